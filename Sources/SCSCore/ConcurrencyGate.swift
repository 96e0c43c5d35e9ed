import Synchronization

/// At most `limit` bodies run at once; up to `maximumWaiting` more wait their turn in order, and
/// past that `run` refuses at once with `ConcurrencyGate.Busy` (the caller answers "retry"). It
/// keeps expensive work (page renders, password hashing) from taking every thread of the
/// cooperative pool, so `/mcp` and `/health` keep answering (docs/DASHBOARD.md, "Limits").
public final class ConcurrencyGate: Sendable {
    public struct Busy: Error, Sendable {}

    struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var head = 0
        /// Callers that took a waiting place and have not queued their continuation yet.
        var reserved = 0
        var waitingCount: Int { waiting.count - head + reserved }
    }

    public let limit: Int
    public let maximumWaiting: Int
    private let state = Mutex(State())

    public init(limit: Int, maximumWaiting: Int) {
        self.limit = max(1, limit)
        self.maximumWaiting = max(0, maximumWaiting)
    }

    /// Bodies running now, and waiting now.
    public var counts: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waitingCount) } }

    public func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    func acquire() async throws {
        enum Decision { case go, wait, refuse }
        let decision = state.withLock { state -> Decision in
            if state.running < limit {
                state.running += 1
                return .go
            }
            guard state.waitingCount < maximumWaiting else { return .refuse }
            state.reserved += 1  // the place is taken now, so callers racing here cannot overfill the queue
            return .wait
        }
        switch decision {
        case .go: return
        case .refuse: throw Busy()
        case .wait:
            await withCheckedContinuation { continuation in
                let admitted = state.withLock { state -> Bool in
                    state.reserved -= 1
                    // A place may have come free between the two locks.
                    if state.running < limit {
                        state.running += 1
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if admitted { continuation.resume() }
            }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.head < state.waiting.count else {
                state.running -= 1
                return nil
            }
            let next = state.waiting[state.head]
            state.head += 1
            if state.head > 64, state.head * 2 > state.waiting.count {
                state.waiting.removeFirst(state.head)
                state.head = 0
            }
            return next  // its place passes straight on: `running` stays
        }
        next?.resume()
    }
}
