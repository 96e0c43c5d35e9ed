import Logging
public import SCSAuth
import SCSCore
public import SCSHTTP
public import SCSLive
public import SCSMCP
public import SCSStorage
public import SCSSupervisor
public import SCSTools
import SCSWire
import OrderedCollections
public import SCSWeb

/// The one assembly of the server (docs/ARCHITECTURE.md, "One assembly"): storage given, it
/// makes the supervisor and its workers, the tools over them, MCP, the dashboard and its live
/// feed, the peer relay, `/health`, `/metrics` and `/mcp`, wires every listener of live events in
/// one place, and (`ServerApplication+Serve`) runs the services in order and shuts them down.
/// `scs serve`, the test harness (`ToolHarness`) and the fuzz target all build the server here.
/// Nothing here starts a task: the services do, when `serve` runs them.
public struct ServerApplication: Sendable {
    public let parts: ServerParts
    public let supervisor: Supervisor
    public let server: MCPServer
    public let sessions: MCPSessionRegistry
    public let environment: ToolEnvironment
    public let events: SessionEvents
    public let endpoint: MCPEndpoint
    public let health: HealthReport
    public let tokens: TokenService
    let apiKey: APIKeyVerifier
    let metricsToken: APIKeyVerifier?
    /// Counts the HTTP server's open connections for `/health` and `/metrics`.
    public let connections: ConnectionCounter
    /// The web dashboard and its live feed.
    public let dashboard: Dashboard
    public let feed: LiveFeed
    /// Live events to and from the other nodes on the database (PostgreSQL), run as a service.
    public let relay: PeerEventRelay?

    public var storage: any Storage { parts.storage }
    var logger: Logger { parts.logger }

    public init(_ parts: ServerParts) {
        self.parts = parts
        let (storage, clock, logger, configuration, secrets) = (parts.storage, parts.clock, parts.logger, parts.configuration, parts.secrets)
        let hub = NotificationHub()
        let events = SessionEvents()
        let supervisor = Supervisor(options: parts.supervisorOptions, logger: logger) { event in
            Self.publish(event, on: events, clock: clock)
        }
        let workers: any SearchBackend & MemoryBackend = parts.workers ?? SupervisorBackends(supervisor)
        let toolMetrics = ToolMetrics()
        let tokens = TokenService(
            store: storage, secrets: secrets, configuration: configuration.auth, clock: clock, cacheLifetime: parts.tokenCacheLifetime)
        let agentKeys = AgentKeys(store: storage, clock: clock, cacheLifetime: parts.agentKeyCacheLifetime)
        var environment = ToolEnvironment(
            storage: storage, tokens: tokens, search: workers, memory: workers, hub: hub, metrics: toolMetrics, clock: clock,
            logger: logger, workerStatus: Self.workerStatus(supervisor), resultBudget: parts.resultBudget, events: events)
        environment.adminKeyRequired = secrets.adminAPIKey != nil
        environment.longestWait = parts.longestWait
        environment.identityMode = configuration.auth.identityMode
        environment.agentKeys = agentKeys
        environment.quotas = AgentQuotas(
            configuration: configuration.auth.quotas, clock: clock, knownTypes: Set(environment.policy.agentTypes.keys))
        let tools = ToolCatalog.tools(environment)
        let server = MCPServer(
            info: .init(version: parts.version), tools: tools,
            resources: ResourceCatalog(env: environment, toolNames: tools.map(\.name)),
            prompts: PromptCatalog.prompts(environment), hub: hub, metrics: toolMetrics, clock: clock, logger: logger)
        let sessions = MCPSessionRegistry(store: storage, clock: clock)
        let feed = LiveFeed.dashboard(clock: clock)
        let relay = parts.peers.map {
            PeerEventRelay(
                channel: $0, events: events, storage: storage, tokens: tokens, mcpSessions: sessions, nodeID: HealthReport.nodeID,
                signer: PeerAnnouncementSigner(jwtSecretKey: secrets.jwtSecretKey), clock: clock, logger: logger)
        }
        let connections = ConnectionCounter(maximum: configuration.http.maxConnections)
        (self.supervisor, self.server, self.sessions, self.environment, self.events) = (supervisor, server, sessions, environment, events)
        (self.tokens, self.feed, self.relay, self.connections) = (tokens, feed, relay, connections)
        apiKey = APIKeyVerifier(apiKey: secrets.apiKey)
        metricsToken = secrets.metricsToken.map(APIKeyVerifier.init(apiKey:))
        endpoint = MCPEndpoint(
            server: server, sessions: sessions, apiKey: apiKey, http: configuration.http, logger: logger,
            adminKey: secrets.adminAPIKey.map(APIKeyVerifier.init(apiKey:)), agentKeys: agentKeys)
        dashboard = Dashboard(Self.dashboardDependencies(parts, supervisor: supervisor, tokens: tokens, events: events, server: server, audit: environment.audit))
        health = HealthReport(
            supervisor: supervisor, storage: storage, clock: clock, version: parts.version,
            live: Self.liveCounts(sessions: sessions, hub: hub, events: events, feed: feed, connections: connections), peers: relay?.status)
        wireListeners()
    }

    /// Who hears of what, in the order they run. Listeners of `SessionEvents` only enqueue.
    func wireListeners() {
        let (hub, tokens) = (server.hub, tokens)
        // 1. MCP resource subscribers: `notifications/resources/updated`.
        events.attach(ResourceNotifier(hub: hub))
        // 2. The dashboard's WebSockets.
        events.attach(feed)
        // 3. The other nodes (PostgreSQL); `events.flush()` waits for it.
        if let relay {
            events.attach(relay)
            sessions.onChange { id in await relay.announceMCPSessionChange(id) }
            tokens.onRefresh { digest in await relay.announceTokenRefresh(digest) }
        }
        // A subscriber's token (or agent key) is checked again before each notification it is sent.
        let agentKeys = environment.agentKeys
        hub.setTokenValidator { credential in
            if case .presented(let key) = credential, AgentKeys.isAgentKey(key) { return (try? await agentKeys?.resolve(key)) != nil }
            return (try? await tokens.resolve(credential)) != nil
        }
    }

    static func dashboardDependencies(
        _ parts: ServerParts, supervisor: Supervisor, tokens: TokenService, events: SessionEvents, server: MCPServer, audit: AuditWriter
    ) -> DashboardDependencies {
        let (storage, clock, version, http) = (parts.storage, parts.clock, parts.version, parts.configuration.http)
        var dependencies = DashboardDependencies(
            storage: storage, tokens: tokens, events: events, server: server, audit: audit, password: parts.dashboardPassword,
            cookie: DashboardCookie(jwtSecretKey: parts.secrets.jwtSecretKey), secureCookies: http.secureCookies,
            allowedOrigins: http.corsOrigins, apiKey: parts.secrets.apiKey, workers: dashboardWorkers(supervisor),
            restart: { name in
                guard let role = WireRole(rawValue: name), role != .supervisor else { throw SCSError(code: .invalidInput, message: "Unknown worker role") }
                try await supervisor.restart(role)
            },
            health: { [health = HealthReport(supervisor: supervisor, storage: storage, clock: clock, version: version, live: HealthReport.noCounts)] in
                await health.report().body
            },
            clock: clock, logger: parts.logger, version: version)
        dependencies.trustedProxies = http.trustedProxies
        dependencies.dashboardHosts = http.dashboardHosts
        dependencies.identityMode = parts.configuration.auth.identityMode
        return dependencies
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

    /// Counts of the bounded per-client state, for `/health` and `/metrics`.
    static func liveCounts(
        sessions: MCPSessionRegistry, hub: NotificationHub, events: SessionEvents, feed: LiveFeed, connections: ConnectionCounter
    ) -> @Sendable () async -> JSONObject {
        {
            [
                "mcp_sessions": .int(Int64((try? await sessions.count()) ?? -1)), "mcp_sessions_max": .int(Int64(sessions.maximum)),
                "sse_streams": .int(Int64(hub.openStreamCount)), "subscriptions": .int(Int64(hub.subscriptionCount)),
                "long_polls": .int(Int64(events.waiterCount)), "max_batch": .int(Int64(MCPEndpoint.maxBatch)),
                "live_feed_sockets": .int(Int64(feed.openSockets)),
                "http_connections": .int(Int64(connections.current)), "http_connections_max": .int(Int64(connections.maximum)),
            ]
        }
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

    /// A worker event, published like any other change: each memory entry the sweeper expired.
    static func publish(_ event: WorkerEvent, on events: SessionEvents, clock: any WallClock) {
        switch event {
        case .memoryExpired(let entries):
            for entry in entries {
                let change = MemoryChange(kind: .expired, agentID: entry.agentID, key: entry.key, scope: entry.scope, at: clock.now())
                events.publish(.memoryChanged(change))
            }
        }
    }
}
