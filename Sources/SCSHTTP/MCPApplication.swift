public import Logging
import SCSAuth
public import SCSCore
public import SCSMCP
public import SCSStorage
public import SCSSupervisor
public import SCSTools
public import SCSWire
import ServiceLifecycle

/// Routes worker requests through the supervisor.
public struct SupervisorGateway: WorkerGateway {
    let supervisor: Supervisor
    public init(_ supervisor: Supervisor) { self.supervisor = supervisor }
    public func call<M: WireMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        try await supervisor.call(method, params)
    }
}

/// Everything behind `/mcp`: the tools, resources, prompts, sessions and live notifications.
public struct MCPApplication: Sendable {
    public let server: MCPServer
    public let sessions: MCPSessionRegistry
    public let environment: ToolEnvironment
    public let endpoint: MCPEndpoint

    public init(
        storage: any Storage, workers: any WorkerGateway, secrets: SecretsConfiguration, configuration: SCSConfiguration,
        hub: NotificationHub, version: String, logger: Logger, clock: any WallClock = SystemClock(),
        workerStatus: @escaping @Sendable () async -> [JSONValue] = { [] }
    ) {
        let metrics = ToolMetrics()
        let tokens = TokenService(store: storage, secrets: secrets, configuration: configuration.auth, clock: clock)
        var environment = ToolEnvironment(
            storage: storage, tokens: tokens, workers: workers, hub: hub, metrics: metrics, clock: clock, logger: logger,
            workerStatus: workerStatus)
        environment.adminKeyRequired = secrets.adminAPIKey != nil
        hub.setTokenValidator { credential in (try? await tokens.resolve(credential)) != nil }
        let tools = ToolCatalog.tools(environment)
        server = MCPServer(
            info: .init(version: version), tools: tools,
            resources: ResourceCatalog(env: environment, toolNames: tools.map(\.name)),
            prompts: PromptCatalog.prompts(environment), hub: hub, metrics: metrics, clock: clock)
        sessions = MCPSessionRegistry(store: storage, clock: clock)
        self.environment = environment
        endpoint = MCPEndpoint(
            server: server, sessions: sessions, apiKey: APIKeyVerifier(apiKey: secrets.apiKey), http: configuration.http, logger: logger,
            adminKey: secrets.adminAPIKey.map(APIKeyVerifier.init(apiKey:)))
    }

    /// Counts of the bounded per-client state, for `/health`.
    public func liveCounts() async -> JSONObject {
        [
            "mcp_sessions": .int(Int64((try? await sessions.count()) ?? -1)), "mcp_sessions_max": .int(Int64(sessions.maximum)),
            "sse_streams": .int(Int64(server.hub.openStreamCount)), "subscriptions": .int(Int64(server.hub.subscriptionCount)),
            "long_polls": .int(Int64(environment.events.waiterCount)), "max_batch": .int(Int64(MCPEndpoint.maxBatch)),
        ]
    }

    /// Live worker states as get_performance_metrics reports them.
    public static func workerStatus(_ supervisor: Supervisor) -> @Sendable () async -> [JSONValue] {
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

    /// A worker event: expired memory entries notify `agent://<id>/memory` subscribers.
    public static func handle(event: String, data: JSONValue, hub: NotificationHub) {
        guard event == WireEvents.memoryExpired else { return }
        ResourceCatalog.memoryChanged(of: Set((data["items"]?.arrayValue ?? []).compactMap { $0["agent_id"]?.stringValue }), hub: hub)
    }
}

/// Housekeeping while serving: purges expired tokens, audit rows past retention and idle MCP
/// sessions every `interval`; on shutdown ends every open SSE stream so the HTTP server can drain.
public struct HousekeepingService: Service {
    let application: MCPApplication
    let storage: any Storage
    let retentionDays: Double
    let interval: Duration
    let logger: Logger

    public init(application: MCPApplication, storage: any Storage, retentionDays: Double, interval: Duration = .seconds(60), logger: Logger) {
        self.application = application
        self.storage = storage
        self.retentionDays = retentionDays
        self.interval = interval
        self.logger = logger
    }

    public func sweep() async {
        do {
            let tokens = try await application.environment.tokens.sweep()
            let audit = try await storage.deleteAudit(before: application.environment.clock.now() - retentionDays * 86_400)
            let ended = try await application.sessions.sweep()
            // Subscriptions and streams of sessions that ended (swept here, or on another path).
            let hub = application.server.hub
            for id in ended { hub.endSession(id) }
            for id in hub.sessionIDs where try await application.sessions.lookup(id) == nil { hub.endSession(id) }
            let activity = try await storage.deleteActivity(before: application.environment.clock.now() - 86_400 * 2)
            if tokens + audit + ended.count + activity > 0 {
                logger.info("housekeeping", metadata: [
                    "tokens_purged": "\(tokens)", "audit_rows_purged": "\(audit)", "mcp_sessions_purged": "\(ended.count)",
                    "activity_rows_purged": "\(activity)",
                ])
            }
        } catch {
            logger.warning("housekeeping failed", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                await sweep()
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        } onGracefulShutdown: {
            application.server.hub.closeAll()
        }
    }
}
