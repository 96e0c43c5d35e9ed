import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall-clock time in unix seconds, injectable so that TTL and back-off tests run instantly.
public protocol WallClock: Sendable {
    /// Seconds since 1970-01-01 UTC.
    func now() -> Double
    /// Suspends for `seconds` of this clock's time.
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }

    public func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .nanoseconds(Int64(max(0, seconds) * 1_000_000_000)))
    }
}

/// A clock that moves only when told; sleepers wake when `advance` passes their deadline.
public final class ManualClock: WallClock {
    private struct Sleeper {
        let deadline: Double
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Double
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
    }

    private let state: Mutex<State>

    public init(start: Double = 1_764_000_000) {
        state = Mutex(State(now: start))
    }

    public func now() -> Double { state.withLock { $0.now } }

    /// Number of tasks currently sleeping on this clock (lets tests wait for a sleeper to park).
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(seconds: Double) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let wakeNow = state.withLock { state -> Bool in
                    let deadline = state.now + seconds
                    if seconds <= 0 || Task.isCancelled { return true }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return false
                }
                if wakeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has passed.
    public func advance(by seconds: Double) {
        let due = state.withLock { state -> [Sleeper] in
            state.now += seconds
            let now = state.now
            let ready = state.sleepers.filter { $0.value.deadline <= now }
            for key in ready.keys { state.sleepers.removeValue(forKey: key) }
            return Array(ready.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
