import Synchronization

/// Rate limit of failed dashboard sign-ins, per client address: after `allowed` failures within
/// `window` seconds, further attempts from that address are refused until the oldest failure
/// leaves the window. Memory is bounded: at most `maximumClients` addresses are tracked, and
/// when full the stalest are forgotten first.
public final class LoginThrottle: Sendable {
    let allowed: Int
    let window: Double
    let maximumClients: Int
    private let failures = Mutex<[String: [Double]]>([:])

    public init(allowed: Int = 5, window: Double = 60, maximumClients: Int = 10_000) {
        self.allowed = allowed
        self.window = window
        self.maximumClients = maximumClients
    }

    /// Seconds until `client` may try again; 0 when it may now.
    public func retryAfter(_ client: String, now: Double) -> Double {
        failures.withLock { all in
            let recent = (all[client] ?? []).filter { now - $0 < window }
            guard recent.count >= allowed, let oldest = recent.first else { return 0 }
            return max(0, window - (now - oldest))
        }
    }

    public func recordFailure(_ client: String, now: Double) {
        failures.withLock { all in
            if all[client] == nil, all.count >= maximumClients {
                all = all.filter { $0.value.contains { now - $0 < window } }
                if all.count >= maximumClients, let stalest = all.min(by: { ($0.value.last ?? 0) < ($1.value.last ?? 0) })?.key {
                    all[stalest] = nil
                }
            }
            all[client, default: []] = Array(((all[client] ?? []).filter { now - $0 < window } + [now]).suffix(allowed))
        }
    }

    /// Addresses with failures on record.
    var trackedClients: Int { failures.withLock { $0.count } }

    /// A successful sign-in clears the address's failures.
    public func recordSuccess(_ client: String) {
        _ = failures.withLock { $0.removeValue(forKey: client) }
    }
}
