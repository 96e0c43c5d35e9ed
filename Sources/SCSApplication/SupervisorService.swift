import Foundation
import SCSCore
import Logging
import SCSSupervisor
import SCSWire
import ServiceLifecycle
import UnixSignals

/// The supervisor as a lifecycle service: starts every worker, serves the control socket, tells
/// systemd (READY=1 once all workers said hello, WATCHDOG=1, STATUS=), restarts all workers on
/// SIGHUP, and on graceful shutdown drains and stops the workers (after the HTTP server stopped).
struct SupervisorService: Service {
    let supervisor: Supervisor
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        let started = Date()
        let ready = await supervisor.start()
        let elapsed = Date().timeIntervalSince(started)
        let summary = await statusLine()
        if ready {
            logger.info("all workers ready", metadata: ["after_ms": "\(Int(elapsed * 1000))"])
        } else {
            logger.error("some workers are not ready; serving degraded", metadata: ["status": "\(summary)"])
        }
        notifier.notify("READY=1\nSTATUS=\(summary)")

        let control = WireServer(
            path: supervisor.options.controlSocketPath,
            hello: Hello(role: .supervisor, pid: getpid(), version: supervisor.options.version),
            router: supervisor.controlRouter, logger: logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await control.run() } catch { logger.error("control socket failed", metadata: ["error": "\(error)"]) }
            }
            group.addTask { await self.watchdogAndStatus() }
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) {
                    logger.info("SIGHUP: rolling restart of all workers")
                    do { try await supervisor.restart(nil) } catch { logger.error("restart failed", metadata: ["error": "\(error)"]) }
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        notifier.notify("STOPPING=1\nSTATUS=draining and stopping workers")
        logger.info("stopping workers")
        await supervisor.shutdown()
    }

    func statusLine() async -> String {
        let workers = await supervisor.status()
        let search = workers.filter { $0.role == .search }
        let memory = workers.filter { $0.role == .memory }
        func count(_ list: [WorkerStatus]) -> String { "\(list.filter { $0.state == "ready" }.count)/\(list.count)" }
        let degraded = workers.contains(where: \.degraded) ? " (degraded)" : ""
        return "search workers \(count(search)) ready, memory worker \(count(memory)) ready\(degraded)"
    }

    func watchdogAndStatus() async {
        let interval = notifier.watchdogInterval.map { $0 / 2 } ?? 5
        var last = ""
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
            if Task.isCancelled { return }
            if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
            let line = await statusLine()
            if line != last {
                notifier.notify("STATUS=\(line)")
                last = line
            }
        }
    }
}
