public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import SCSCore
import SCSStorage
import OrderedCollections
public import SCSHTTP
import SCSWeb

/// The HTTP side of the assembly: one router for `/health`, `/metrics`, `/mcp` and `/ui`, one
/// for the live feed's WebSocket upgrades, and the server that carries both behind the HTTP
/// edge's guard (docs/ARCHITECTURE.md, "The HTTP edge").
extension ServerApplication {
    /// `GET /health`, `/metrics` (when bootstrapped), `/mcp` and the dashboard (`/ui/…`).
    public func router() -> Router<SCSRequestContext> {
        let router = Router(context: SCSRequestContext.self)
        let (health, storage) = (health, storage)
        HealthEndpoint(apiKey: apiKey, report: { await health.report() }, alive: { (try? await storage.ping()) != nil }).register(on: router)
        if let metrics = parts.metrics {
            let (supervisor, live, relay) = (supervisor, health.live, relay)
            MetricsEndpoint(apiKey: apiKey, token: metricsToken) {
                var counts = await live()
                for (name, value) in relay?.metrics() ?? [:] { counts[name] = value }
                return await metrics.render(supervisor: supervisor, storage: storage, live: counts)
            }.register(on: router)
        }
        endpoint.register(on: router)
        dashboard.register(on: router)
        return router
    }

    /// `WS /ws/{session_id}`: WebSocket upgrades are matched on a router of their own.
    public func feedRouter() -> Router<SCSRequestContext> {
        let router = Router(context: SCSRequestContext.self)
        LiveFeedSocket(feed: feed, dashboard: dashboard).register(on: router)
        return router
    }

    /// The HTTP server on `address`. Every connection passes the edge's guard first
    /// (connections per client, deadlines for a request's head and body); `clients` is shared
    /// with socket activation's relay, which applies the per-client cap on its side.
    public func httpServer(
        address: BindAddress, clients: ClientConnections, onRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let http = parts.configuration.http
        let limits = EdgeLimits(requestTimeout: http.requestTimeout, clients: clients)
        let feedResponder = feedRouter().buildResponder()
        let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(
                additionalChannelHandlers: GuardedChildChannel<HTTP1WebSocketUpgradeChannel>.requestDeadlines(limits),
                idleTimeout: .milliseconds(Int64(http.idleTimeout * 1000))),
            ws: .init(maxFrameSize: LiveFeedSocket.maxInboundBytes, autoPing: .enabled(timePeriod: .seconds(30))))
        return Application(
            router: router(),
            server: HTTPServerBuilder { responder in
                GuardedChildChannel(
                    inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: feedResponder, configuration: channelConfiguration),
                    limits: limits)
            },
            configuration: .init(address: address, serverName: nil, availableConnectionsDelegate: connections.delegate),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port) },
            logger: logger)
    }
}
