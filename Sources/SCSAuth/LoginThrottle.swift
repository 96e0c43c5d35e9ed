import Synchronization

/// Rate limit of dashboard sign-ins (docs/DASHBOARD.md, "Sign-in"). An attempt takes its place
/// with `begin` before anything of it is read, so attempts sent together count together:
/// - per client key, failures within `window` seconds plus attempts still in flight may not
///   exceed `allowed`;
/// - server-wide, at most `globalAllowed` failures within `window` (many addresses guessing
///   together); past it every sign-in waits until the window moves on.
/// Memory is bounded: at most `maximumClients` keys are tracked, the stalest forgotten first.
public final class LoginThrottle: Sendable {
    public enum Decision: Sendable {
        case admitted(Attempt)
        /// Seconds until a new attempt may be made.
        case refused(retryAfter: Double)
    }

    /// One admitted attempt; `finish` must be called once with its outcome.
    public struct Attempt: Sendable {
        let client: String
    }

    public enum Outcome: Sendable {
        case success
        case failure
        /// Ended before a credential was checked (an expired form): counts for nothing.
        case abandoned
    }

    struct State {
        var failures: [String: [Double]] = [:]
        var inFlight: [String: Int] = [:]
        var globalFailures: [Double] = []
    }

    let allowed: Int
    let window: Double
    let maximumClients: Int
    let globalAllowed: Int
    private let state = Mutex(State())

    public init(allowed: Int = 5, window: Double = 60, maximumClients: Int = 10_000, globalAllowed: Int = 100) {
        self.allowed = allowed
        self.window = window
        self.maximumClients = maximumClients
        self.globalAllowed = globalAllowed
    }

    /// Takes a place for one attempt from `client`, or says how long to wait.
    public func begin(_ client: String, now: Double) -> Decision {
        state.withLock { state in
            state.globalFailures.removeAll { now - $0 >= window }
            if state.globalFailures.count >= globalAllowed, let oldest = state.globalFailures.first {
                return .refused(retryAfter: max(1, window - (now - oldest)))
            }
            let recent = (state.failures[client] ?? []).filter { now - $0 < window }
            let running = state.inFlight[client, default: 0]
            if recent.count + running >= allowed {
                // Failures fill the allowance: wait for the oldest to leave the window. Attempts
                // in flight fill it: try again in a second, when they have been decided.
                let wait = recent.count >= allowed ? window - (now - recent[0]) : 1
                return .refused(retryAfter: max(1, wait))
            }
            if state.inFlight[client] == nil, state.inFlight.count >= maximumClients { return .refused(retryAfter: 1) }
            state.inFlight[client, default: 0] += 1
            return .admitted(Attempt(client: client))
        }
    }

    /// The attempt's outcome: a failure counts against its client and the server, a success
    /// clears its client's failures.
    public func finish(_ attempt: Attempt, _ outcome: Outcome, now: Double) {
        state.withLock { state in
            let left = state.inFlight[attempt.client, default: 1] - 1
            state.inFlight[attempt.client] = left > 0 ? left : nil
            switch outcome {
            case .success: state.failures[attempt.client] = nil
            case .abandoned: break
            case .failure:
                Self.record(attempt.client, now: now, in: &state, allowed: allowed, window: window, maximumClients: maximumClients)
                state.globalFailures.append(now)
                if state.globalFailures.count > globalAllowed { state.globalFailures.removeFirst(state.globalFailures.count - globalAllowed) }
            }
        }
    }

    /// Seconds until `client` may try again; 0 when it may now.
    public func retryAfter(_ client: String, now: Double) -> Double {
        state.withLock { state in
            let recent = (state.failures[client] ?? []).filter { now - $0 < window }
            guard recent.count >= allowed, let oldest = recent.first else { return 0 }
            return max(0, window - (now - oldest))
        }
    }

    public func recordFailure(_ client: String, now: Double) {
        state.withLock { Self.record(client, now: now, in: &$0, allowed: allowed, window: window, maximumClients: maximumClients) }
    }

    static func record(_ client: String, now: Double, in state: inout State, allowed: Int, window: Double, maximumClients: Int) {
        if state.failures[client] == nil, state.failures.count >= maximumClients {
            state.failures = state.failures.filter { $0.value.contains { now - $0 < window } }
            if state.failures.count >= maximumClients,
                let stalest = state.failures.min(by: { ($0.value.last ?? 0) < ($1.value.last ?? 0) })?.key
            {
                state.failures[stalest] = nil
            }
        }
        state.failures[client] = Array(((state.failures[client] ?? []).filter { now - $0 < window } + [now]).suffix(allowed))
    }

    /// Addresses with failures on record.
    var trackedClients: Int { state.withLock { $0.failures.count } }

    /// Attempts in flight now (all clients).
    public var attemptsInFlight: Int { state.withLock { $0.inFlight.values.reduce(0, +) } }

    /// A successful sign-in clears the address's failures.
    public func recordSuccess(_ client: String) {
        _ = state.withLock { $0.failures.removeValue(forKey: client) }
    }
}
