/// One worker slot's lifecycle as a pure state machine: events in, one action out. No processes,
/// sockets or clocks here — the caller passes `now` and carries out the action, so every
/// transition is testable as plain values.
public struct WorkerLifecycle: Sendable {
    public enum State: Sendable, Equatable {
        /// Never started.
        case idle
        /// Spawn requested (`pid` nil until the spawn returned), waiting for the worker's hello.
        case starting(pid: Int32?, since: Double)
        /// Said hello: routable.
        case ready(pid: Int32, since: Double)
        /// Waiting before the next spawn.
        case backoff(until: Double)
        /// Asked to stop; waiting for the exit.
        case stopping(pid: Int32)
        /// Stopped for good.
        case stopped
    }

    public enum Event: Sendable, Equatable {
        case start
        case spawned(pid: Int32)
        case spawnFailed
        case helloReceived
        case helloTimedOut
        case exited(pid: Int32)
        case heartbeatFailed
        case backoffElapsed
        case stop
    }

    public enum Action: Sendable, Equatable {
        case none
        case spawn
        /// Connect to the new worker and wait for its hello.
        case connect(pid: Int32)
        case kill(pid: Int32, signal: Int32)
        /// Deliver `backoffElapsed` after this many seconds.
        case retry(after: Double)
    }

    /// Restart policy (README "How it runs").
    public struct Policy: Sendable, Equatable {
        public var initialBackoff = 0.05
        public var maximumBackoff = 5.0
        /// More than this many deaths before hello within `degradedWindow` marks the role degraded.
        public var degradedDeaths = 5
        public var degradedWindow = 30.0
        /// More than this many restarts within `intensityWindow` makes even healthy restarts back off.
        public var intensityRestarts = 20
        public var intensityWindow = 10.0

        public init() {}
    }

    public static let sigterm: Int32 = 15
    public static let sigkill: Int32 = 9

    public let policy: Policy
    public private(set) var state: State = .idle
    /// Restarts after the first start.
    public private(set) var restarts = 0
    /// Too many deaths before hello recently; cleared by the next hello.
    public private(set) var degraded = false
    private var earlyDeaths: [Double] = []
    private var restartTimes: [Double] = []
    private var consecutiveFailures = 0

    public init(policy: Policy = Policy()) { self.policy = policy }

    public var pid: Int32? {
        switch state {
        case .starting(let pid, _): return pid
        case .ready(let pid, _), .stopping(let pid): return pid
        case .idle, .backoff, .stopped: return nil
        }
    }

    public var isReady: Bool { if case .ready = state { return true } else { return false } }

    public mutating func handle(_ event: Event, now: Double) -> Action {
        switch (state, event) {
        case (.idle, .start):
            state = .starting(pid: nil, since: now)
            return .spawn
        case (.starting(nil, let since), .spawned(let pid)):
            state = .starting(pid: pid, since: since)
            return .connect(pid: pid)
        case (.starting(nil, _), .spawnFailed):
            return diedBeforeHello(now: now)
        case (.starting(let pid?, _), .helloReceived):
            state = .ready(pid: pid, since: now)
            consecutiveFailures = 0
            degraded = false
            return .none
        case (.starting(let pid?, _), .helloTimedOut), (.ready(let pid, _), .heartbeatFailed):
            return .kill(pid: pid, signal: Self.sigkill)
        case (.starting(let current?, _), .exited(let pid)) where current == pid:
            return diedBeforeHello(now: now)
        case (.ready(let current, _), .exited(let pid)) where current == pid:
            return diedAfterHello(now: now)
        case (.backoff, .backoffElapsed):
            state = .starting(pid: nil, since: now)
            return .spawn
        case (.idle, .stop), (.backoff, .stop), (.starting(nil, _), .stop):
            state = .stopped
            return .none
        case (.starting(let pid?, _), .stop), (.ready(let pid, _), .stop):
            state = .stopping(pid: pid)
            return .kill(pid: pid, signal: Self.sigterm)
        case (.stopping(let current), .exited(let pid)) where current == pid:
            state = .stopped
            return .none
        // Everything else is stale or redundant (an exit of an older pid, a second stop, a late
        // hello, a timer firing after a stop…) and changes nothing.
        case (.idle, _), (.starting, _), (.ready, _), (.backoff, _), (.stopping, _), (.stopped, _):
            return .none
        }
    }

    private mutating func diedBeforeHello(now: Double) -> Action {
        restarts += 1
        consecutiveFailures += 1
        earlyDeaths = earlyDeaths.filter { now - $0 < policy.degradedWindow } + [now]
        if earlyDeaths.count > policy.degradedDeaths { degraded = true }
        return backOff(now: now)
    }

    private mutating func diedAfterHello(now: Double) -> Action {
        restarts += 1
        restartTimes = restartTimes.filter { now - $0 < policy.intensityWindow } + [now]
        if restartTimes.count > policy.intensityRestarts {
            consecutiveFailures += 1
            return backOff(now: now)
        }
        state = .starting(pid: nil, since: now)
        return .spawn
    }

    private mutating func backOff(now: Double) -> Action {
        let delay = degraded
            ? policy.maximumBackoff
            : min(policy.maximumBackoff, policy.initialBackoff * Double(1 << min(consecutiveFailures - 1, 20)))
        state = .backoff(until: now + delay)
        return .retry(after: delay)
    }
}
