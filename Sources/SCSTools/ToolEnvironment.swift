public import Logging
public import SCSAuth
public import SCSCore
public import SCSLive
public import SCSMCP
public import SCSStorage

/// Everything the tool handlers use.
public struct ToolEnvironment: Sendable {
    public var storage: any ToolStore
    public var tokens: TokenService
    /// Fuzzy search (a search worker, through the supervisor, in production).
    public var search: any SearchBackend
    /// Agent memory (the memory worker, through the supervisor, in production).
    public var memory: any MemoryBackend
    public var hub: NotificationHub
    public var metrics: ToolMetrics
    public var events: SessionEvents
    public var activity: ActivityRecorder
    /// Audit rows written after the answer; drained on shutdown.
    public var audit: AuditWriter
    public var policy: PermissionPolicy
    public var clock: any WallClock
    public var logger: Logger
    public var startedAt: Double
    /// Live worker states for get_performance_metrics (`[{role, pid, state, restarts, uptime_s}]`).
    public var workerStatus: @Sendable () async -> [JSONValue]
    /// Largest tool result, bytes of JSON (`Limits.resultBytes`; tests set less): a list that would be larger
    /// ends early and says so (`has_more` or `truncated`).
    public var resultBudget: Int
    /// `ADMIN_API_KEY` is configured: admin is granted only to requests that presented it.
    public var adminKeyRequired = false
    /// Longest `wait_for_messages`, seconds (the schema's maximum; the fuzz target shortens it).
    public var longestWait: Double = 60
    /// `IDENTITY_MODE`: in `verified`, every caller is a registered agent (README, "Security").
    public var identityMode: IdentityMode = .open
    /// Registered agents' keys; a request that presented one is that agent.
    public var agentKeys: AgentKeys?
    /// Per-agent quotas (nil: none).
    public var quotas: AgentQuotas?

    public init(
        storage: any ToolStore, tokens: TokenService, search: any SearchBackend, memory: any MemoryBackend, hub: NotificationHub,
        metrics: ToolMetrics,
        policy: PermissionPolicy = .standard, clock: any WallClock = SystemClock(), logger: Logger,
        workerStatus: @escaping @Sendable () async -> [JSONValue] = { [] }, resultBudget: Int = Limits.resultBytes,
        events: SessionEvents = SessionEvents()
    ) {
        self.resultBudget = resultBudget
        self.storage = storage
        self.tokens = tokens
        self.search = search
        self.memory = memory
        self.hub = hub
        self.metrics = metrics
        self.events = events
        activity = ActivityRecorder(store: storage)
        audit = AuditWriter(storage: storage, logger: logger)
        self.policy = policy
        self.clock = clock
        self.logger = logger
        startedAt = clock.now()
        self.workerStatus = workerStatus
    }

    var nowISO: String { Timestamp.iso(clock.now()) }

    /// The messages of a session `reader` may see, oldest first, read in pages until the result
    /// budget is spent; `truncated` when more were left.
    func visibleMessages(sessionID: String, reader: AgentIdentity) async throws -> (messages: [Message], truncated: Bool) {
        var messages: [Message] = []
        var cursor: Int64 = 0
        var budget = resultBudget
        while true {
            let page = try await storage.messages(
                MessageQuery(sessionID: sessionID, afterID: cursor, order: .ascending, limit: 1_000, maxBytes: budget), reader: reader)
            messages += page.messages
            budget -= page.messages.reduce(0) { $0 + $1.estimatedJSONBytes }
            if page.truncated || (budget <= 0 && page.messages.count == 1_000) { return (messages, true) }
            guard let last = page.messages.last, page.messages.count == 1_000 else { return (messages, false) }
            cursor = last.id
        }
    }
}
