public import Hummingbird
public import Logging
public import SCSAuth
public import SCSCore
public import SCSHTTP
public import SCSMCP
public import SCSStorage
public import SCSSupervisor
public import SCSTools
import SCSWire
import OrderedCollections
public import SCSWeb

/// The composition root of `scs serve`: storage, the supervisor and its workers, the tools over
/// them, live notifications, worker-event routing, `/health` and `/mcp`. The executable picks
/// drivers and sockets; everything it serves is wired here (docs/ARCHITECTURE.md).
public struct ServerApplication: Sendable {
    public let supervisor: Supervisor
    public let server: MCPServer
    public let sessions: MCPSessionRegistry
    public let environment: ToolEnvironment
    public let endpoint: MCPEndpoint
    public let health: HealthReport
    let storage: any Storage
    let apiKey: APIKeyVerifier
    let metrics: ServerMetrics?
    let metricsToken: APIKeyVerifier?
    let live: @Sendable () async -> JSONObject
    /// The web dashboard and its live feed.
    public let dashboard: Dashboard
    public let feed: LiveFeed
    /// Live events to and from the other nodes on the database (PostgreSQL), run as a service.
    public let relay: PeerEventRelay?

    /// `connections` counts the HTTP server's open connections for `/health`; with `metrics`
    /// (bootstrapped first), `/metrics` serves them. `peers` carries live events between the
    /// nodes sharing the database (nil on SQLite: one node).
    public init(
        storage: any Storage, supervisorOptions: SupervisorOptions, secrets: SecretsConfiguration, configuration: SCSConfiguration,
        version: String, logger: Logger, connections: ConnectionCounter? = nil, metrics: ServerMetrics? = nil,
        dashboardPassword: DashboardPassword? = nil, peers: (any PeerChannel)? = nil, clock: any WallClock = SystemClock()
    ) {
        let hub = NotificationHub()
        let events = SessionEvents()
        let supervisor = Supervisor(options: supervisorOptions, logger: logger) { event, data in
            Self.handle(event: event, data: data, events: events, clock: clock)
        }
        let backends = SupervisorBackends(supervisor)
        let toolMetrics = ToolMetrics()
        let tokens = TokenService(store: storage, secrets: secrets, configuration: configuration.auth, clock: clock)
        var environment = ToolEnvironment(
            storage: storage, tokens: tokens, search: backends, memory: backends, hub: hub, metrics: toolMetrics, clock: clock,
            logger: logger, workerStatus: Self.workerStatus(supervisor), events: events)
        environment.adminKeyRequired = secrets.adminAPIKey != nil
        hub.setTokenValidator { credential in (try? await tokens.resolve(credential)) != nil }
        let tools = ToolCatalog.tools(environment)
        let server = MCPServer(
            info: .init(version: version), tools: tools,
            resources: ResourceCatalog(env: environment, toolNames: tools.map(\.name)),
            prompts: PromptCatalog.prompts(environment), hub: hub, metrics: toolMetrics, clock: clock, logger: logger)
        let sessions = MCPSessionRegistry(store: storage, clock: clock)
        self.supervisor = supervisor
        self.server = server
        self.sessions = sessions
        self.environment = environment
        self.storage = storage
        apiKey = APIKeyVerifier(apiKey: secrets.apiKey)
        endpoint = MCPEndpoint(
            server: server, sessions: sessions, apiKey: apiKey, http: configuration.http, logger: logger,
            adminKey: secrets.adminAPIKey.map(APIKeyVerifier.init(apiKey:)))
        let feed = LiveFeed(events: events, clock: clock)
        self.feed = feed
        var dashboardDependencies = DashboardDependencies(
            storage: storage, tokens: tokens, events: events, server: server, audit: environment.audit, password: dashboardPassword,
            cookie: DashboardCookie(jwtSecretKey: secrets.jwtSecretKey), secureCookies: configuration.http.secureCookies,
            allowedOrigins: configuration.http.corsOrigins, apiKey: secrets.apiKey, workers: Self.dashboardWorkers(supervisor),
            restart: { name in
                guard let role = WireRole(rawValue: name), role != .supervisor else { throw SCSError(code: .invalidInput, message: "Unknown worker role") }
                try await supervisor.restart(role)
            },
            health: { [health = HealthReport(supervisor: supervisor, storage: storage, clock: clock, version: version, live: HealthReport.noCounts)] in
                await health.report().body
            },
            clock: clock, logger: logger, version: version)
        dashboardDependencies.trustedProxies = configuration.http.trustedProxies
        dashboardDependencies.dashboardHosts = configuration.http.dashboardHosts
        dashboard = Dashboard(dashboardDependencies)
        let live: @Sendable () async -> JSONObject = {
            var counts = await Self.liveCounts(sessions: sessions, hub: hub, events: events)
            counts["live_feed_sockets"] = .int(Int64(feed.openSockets))
            if let connections {
                counts["http_connections"] = .int(Int64(connections.current))
                counts["http_connections_max"] = .int(Int64(connections.maximum))
            }
            return counts
        }
        self.live = live
        let relay = peers.map {
            PeerEventRelay(
                channel: $0, events: events, storage: storage, tokens: tokens, mcpSessions: sessions, nodeID: HealthReport.nodeID,
                signer: PeerAnnouncementSigner(jwtSecretKey: secrets.jwtSecretKey), clock: clock, logger: logger)
        }
        if let relay {
            sessions.onChange { id in await relay.announceMCPSessionChange(id) }
            tokens.onRefresh { digest in await relay.announceTokenRefresh(digest) }
        }
        self.relay = relay
        self.metrics = metrics
        metricsToken = secrets.metricsToken.map(APIKeyVerifier.init(apiKey:))
        health = HealthReport(supervisor: supervisor, storage: storage, clock: clock, version: version, live: live, peers: relay?.status)
    }

    /// `GET /health` and `/mcp` on `router`.
    public func register(on router: Router<some RequestContext>) {
        let health = health
        let storage = storage
        HealthEndpoint(apiKey: apiKey, report: { await health.report() }, alive: { (try? await storage.ping()) != nil }).register(on: router)
        if let metrics {
            let (supervisor, live, relay) = (supervisor, live, relay)
            MetricsEndpoint(apiKey: apiKey, token: metricsToken) {
                var counts = await live()
                for (name, value) in relay?.metrics() ?? [:] { counts[name] = value }
                return await metrics.render(supervisor: supervisor, storage: storage, live: counts)
            }.register(on: router)
        }
        endpoint.register(on: router)
    }

    /// `/ui/…` (the dashboard) on `router`.
    public func registerDashboard(on router: Router<some RemoteAddressRequestContext>) {
        dashboard.register(on: router)
    }

    /// `WS /ws/{session_id}` (the live feed) on the WebSocket router.
    public func registerFeed(on router: Router<SCSRequestContext>) {
        LiveFeedSocket(feed: feed, dashboard: dashboard).register(on: router)
    }

    static func dashboardWorkers(_ supervisor: Supervisor) -> @Sendable () async -> [DashboardWorker] {
        {
            await supervisor.status().map { worker in
                DashboardWorker(
                    role: worker.role.rawValue, slot: worker.slot, pid: worker.pid, state: worker.state, restarts: worker.restarts,
                    uptime: worker.uptime, inFlight: worker.inFlight, lastError: worker.lastError?.reason)
            }
        }
    }

    /// Purges expired state while serving and ends open streams on shutdown.
    public func housekeeping(retentionDays: Double, logger: Logger) -> HousekeepingService {
        HousekeepingService(application: self, storage: storage, retentionDays: retentionDays, logger: logger)
    }

    /// Counts of the bounded per-client state, for `/health`.
    static func liveCounts(sessions: MCPSessionRegistry, hub: NotificationHub, events: SessionEvents) async -> JSONObject {
        [
            "mcp_sessions": .int(Int64((try? await sessions.count()) ?? -1)), "mcp_sessions_max": .int(Int64(sessions.maximum)),
            "sse_streams": .int(Int64(hub.openStreamCount)), "subscriptions": .int(Int64(hub.subscriptionCount)),
            "long_polls": .int(Int64(events.waiterCount)), "max_batch": .int(Int64(MCPEndpoint.maxBatch)),
        ]
    }

    /// Live worker states as get_performance_metrics reports them.
    static func workerStatus(_ supervisor: Supervisor) -> @Sendable () async -> [JSONValue] {
        {
            await supervisor.status().map { worker in
                [
                    "role": .string(worker.role.rawValue), "pid": worker.pid.map { .int(Int64($0)) } ?? .null,
                    "state": .string(worker.state), "restarts": .int(Int64(worker.restarts)),
                    "uptime_s": .double((worker.uptime * 1000).rounded() / 1000),
                ]
            }
        }
    }

    /// A worker event: each memory entry the sweeper expired is published like any other change.
    static func handle(event: String, data: JSONValue, events: SessionEvents, clock: any WallClock) {
        guard event == WireEvents.memoryExpired else { return }
        for item in data["items"]?.arrayValue ?? [] {
            guard let agentID = item["agent_id"]?.stringValue, let key = item["key"]?.stringValue else { continue }
            let scope = MemoryScope(sessionID: item["session_id"]?.stringValue)
            events.publish(.memoryChanged(MemoryChange(kind: .expired, agentID: agentID, key: key, scope: scope, at: clock.now())))
        }
    }
}
