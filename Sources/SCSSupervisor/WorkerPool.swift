import Logging
import SCSCore
public import SCSWire
import Synchronization

/// The workers of one role and the routing of requests to them.
public final class WorkerPool: Sendable {
    public let role: WireRole
    let options: SupervisorOptions
    let clock: any WallClock
    let logger: Logger
    let routes = RoutingTable()
    let onEvent: @Sendable (WorkerEvent) -> Void
    private let slots = Mutex<(all: [WorkerSlot], nextID: Int)>(([], 0))
    /// Serializes rolling restarts of this role.
    private let restarting = Mutex(false)

    init(role: WireRole, options: SupervisorOptions, clock: any WallClock, logger: Logger, onEvent: @escaping @Sendable (WorkerEvent) -> Void) {
        self.role = role
        self.options = options
        self.clock = clock
        self.logger = logger
        self.onEvent = onEvent
    }

    /// A slot at `position` (its place in the pool, kept by its replacements: search affinity
    /// hashes positions, so a restarted worker serves the same sessions).
    private func makeSlot(position: Int) -> WorkerSlot {
        let id = slots.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return WorkerSlot(role: role, id: id, position: position, options: options, clock: clock, logger: logger, routes: routes, onEvent: onEvent)
    }

    func start(count: Int) async {
        let first = currentSlots.count
        for position in first..<(first + count) {
            let slot = makeSlot(position: position)
            slots.withLock { $0.all.append(slot) }
            await slot.start()
        }
    }

    var currentSlots: [WorkerSlot] { slots.withLock { $0.all } }

    public func status() async -> [WorkerStatus] {
        var result: [WorkerStatus] = []
        for slot in currentSlots { result.append(await slot.status()) }
        return result
    }

    /// Ready workers right now.
    public var readyCount: Int { routes.count }

    /// Waits (bounded) until every slot is ready; false on timeout.
    func waitUntilAllReady(timeout: Double) async -> Bool {
        let deadline = clock.now() + timeout
        for slot in currentSlots {
            guard await slot.waitUntilReady(timeout: deadline - clock.now()) else { return false }
        }
        return true
    }

    /// Sends a request to a ready worker. With none ready it waits up to `requestWait` seconds for
    /// one, then answers WORKER_UNAVAILABLE. If the worker dies with the request in flight, a
    /// read (or a write that is safe to repeat) is sent once more to another worker; otherwise
    /// the caller gets a retryable WORKER_UNAVAILABLE (the outcome is unknown).
    public func call<M: WireMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        let deadline = clock.now() + options.requestWait
        var failed: ObjectIdentifier?
        var retried = false
        let key = options.affinity ? M.affinityKey(params) : nil
        while true {
            // Read before picking: a route published after the pick changes it, so the wait
            // below cannot miss the worker that arrives.
            let seen = routes.changes.value
            if let client = routes.pick(excluding: failed, key: key) {
                do {
                    return try await client.call(method, params)
                } catch WireError.connectionLost {
                    guard !retried, M.isSafeToRetry(params) else {
                        throw SCSError.workerUnavailable(role: role.rawValue, retryAfter: 1)
                    }
                    retried = true
                    failed = ObjectIdentifier(client)
                    continue
                } catch WireError.timedOut {
                    // A worker too slow for this request is this request's failure; heartbeats
                    // decide whether the worker itself is alive.
                    throw SCSError.workerUnavailable(role: role.rawValue, retryAfter: 1)
                }
            }
            guard clock.now() < deadline, await routes.changes.wait(timeout: deadline - clock.now(), until: { $0 != seen }) else {
                try Task.checkCancellation()
                throw SCSError.workerUnavailable(role: role.rawValue, retryAfter: Int(options.policy.maximumBackoff.rounded(.up)))
            }
        }
    }

    /// Replaces every worker, one at a time: the new one must be ready before the old one stops
    /// receiving requests; the old one drains, then stops. No request fails.
    public func rollingRestart() async throws {
        guard restarting.withLock({ busy in
            if busy { return false }
            busy = true
            return true
        }) else { throw SupervisorError.restartInProgress(role) }
        defer { restarting.withLock { $0 = false } }
        for old in currentSlots {
            let replacement = makeSlot(position: old.position)
            await replacement.start()
            guard await replacement.waitUntilReady(timeout: options.helloTimeout) else {
                await replacement.stop()
                try Task.checkCancellation()
                throw SupervisorError.replacementNotReady(role)
            }
            slots.withLock { state in
                if let index = state.all.firstIndex(where: { $0 === old }) { state.all[index] = replacement }
            }
            await old.drainAndStop()
        }
    }

    func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for slot in currentSlots { group.addTask { await slot.drainAndStop() } }
        }
    }
}

public enum SupervisorError: Error, CustomStringConvertible, Sendable {
    case restartInProgress(WireRole)
    case replacementNotReady(WireRole)
    case alreadyRunning(String)

    public var description: String {
        switch self {
        case .restartInProgress(let role): return "a restart of the \(role.rawValue) workers is already in progress"
        case .replacementNotReady(let role): return "the new \(role.rawValue) worker did not become ready; the old one keeps serving"
        case .alreadyRunning(let detail): return detail
        }
    }
}
