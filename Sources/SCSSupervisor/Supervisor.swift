public import Logging
public import SCSCore
public import SCSWire

/// Runs the search pool and the memory worker, routes requests to them, restarts them.
public final class Supervisor: Sendable {
    public let options: SupervisorOptions
    public let search: WorkerPool
    public let memory: WorkerPool
    let clock: any WallClock
    let logger: Logger
    public let startedAt: Double

    public init(
        options: SupervisorOptions, logger: Logger, clock: any WallClock = SystemClock(),
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in }
    ) {
        self.options = options
        self.clock = clock
        self.logger = logger
        startedAt = clock.now()
        search = WorkerPool(role: .search, options: options, clock: clock, logger: logger, onEvent: onEvent)
        memory = WorkerPool(role: .memory, options: options, clock: clock, logger: logger, onEvent: onEvent)
    }

    /// Spawns every worker and waits (bounded) until all said hello; false if some did not.
    public func start(readyTimeout: Double = 10) async -> Bool {
        async let searchStarted: Void = search.start(count: options.searchWorkers)
        async let memoryStarted: Void = memory.start(count: 1)
        _ = await (searchStarted, memoryStarted)
        async let searchReady = search.waitUntilAllReady(timeout: readyTimeout)
        async let memoryReady = memory.waitUntilAllReady(timeout: readyTimeout)
        let (searchOK, memoryOK) = await (searchReady, memoryReady)
        return searchOK && memoryOK
    }

    public func pool(for role: WireRole) -> WorkerPool { role == .memory ? memory : search }

    /// Routes a typed request to a worker of the method's role.
    public func call<M: WireMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        try await pool(for: M.role).call(method, params)
    }

    public func status() async -> [WorkerStatus] {
        await search.status() + memory.status()
    }

    /// Rolling restart of one role, or both (`nil`).
    public func restart(_ role: WireRole?) async throws {
        if role == nil || role == .search { try await search.rollingRestart() }
        if role == nil || role == .memory { try await memory.rollingRestart() }
    }

    /// Drains and stops every worker (drain, SIGTERM, SIGKILL after 5 s). Runs to completion even
    /// when the calling task is cancelled: each of those waits is bounded and not cancellable.
    public func shutdown() async {
        async let a: Void = search.stopAll()
        async let b: Void = memory.stopAll()
        _ = await (a, b)
    }

    /// `ready`, `degraded` (some role has no ready worker or keeps failing) or `starting`.
    public func health() async -> (state: String, workers: [WorkerStatus]) {
        let workers = await status()
        let degraded = workers.contains { $0.degraded } || search.readyCount == 0 || memory.readyCount == 0
        let starting = workers.contains { $0.state == "starting" || $0.state == "idle" }
        return (degraded ? "degraded" : starting ? "starting" : "ready", workers)
    }
}
