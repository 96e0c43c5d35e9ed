import Foundation
import Hummingbird
import SCSCore
import SCSHTTP
public import SCSSupervisor
import SCSStorage
import SCSTools
import Logging
import UnixSignals
import ServiceLifecycle

/// Running the assembled server: its services in the order they start (and, reversed, stop),
/// then the shutdown tail (docs/ARCHITECTURE.md, "One assembly").
extension ServerApplication {
    /// Where the HTTP server listens: a TCP address, or systemd's sockets (spliced to it on a
    /// private Unix socket in the runtime directory).
    public enum Listener: Sendable {
        case tcp(host: String, port: Int)
        case activated(descriptors: [Int32])
    }

    /// Serves until SIGTERM or SIGINT: the supervisor and its workers first (READY=1 to systemd
    /// once they said hello), then HTTP, housekeeping, the peer relay and socket activation's
    /// relays; on shutdown they stop in reverse, the audit queue drains and storage closes.
    public func serve(on listener: Listener, notifier: SystemdNotifier) async throws {
        let clients = ClientConnections(maximumPerClient: parts.configuration.http.maxConnectionsPerClient)
        let privateSocket = supervisor.options.runtimeDirectory + "/http.sock"
        let logger = logger
        let address: BindAddress
        let activated: [Int32]
        switch listener {
        case .tcp(let host, let port): (address, activated) = (.hostname(host, port: port), [])
        case .activated(let descriptors): (address, activated) = (.unixDomainSocket(path: privateSocket), descriptors)
        }
        let http = httpServer(address: address, clients: clients) { port in
            if case .tcp(let host, _) = listener {
                logger.info("listening", metadata: ["address": "http://\(host):\(port ?? 0)"])
            } else {
                logger.info("listening on the sockets passed by systemd", metadata: ["count": "\(activated.count)"])
            }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: SupervisorService(supervisor: supervisor, notifier: notifier, logger: logger)),
            .init(service: http),
            .init(service: HousekeepingService(
                application: self, storage: storage, retentionDays: parts.configuration.auth.auditRetentionDays, logger: logger)),
        ]
        if let relay { services.append(.init(service: relay)) }
        services += activated.map { .init(service: ActivatedListener(descriptor: $0, target: privateSocket, clients: clients, logger: logger)) }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("scs serve starting", metadata: [
            "pid": "\(getpid())", "data_dir": "\(parts.configuration.dataDirectory)", "backend": "\(storage.backendName)",
        ])
        do {
            try await group.run()
        } catch is CancellationError {}
        await shutdown()
    }

    /// The tail of every run: audit rows still queued are written, then storage closes.
    public func shutdown() async {
        await environment.audit.drain()
        do {
            try await storage.close()
        } catch {
            logger.warning("closing storage failed", metadata: ["error": "\(error)"])
        }
    }
}
