import CoreMetrics
public import SCSCore
import Synchronization

/// Per-agent quotas (README, "Security"): a token bucket per agent id and kind of call, refilled
/// continuously; an empty bucket answers a retryable `RATE_LIMITED` with `retry_after`, and the
/// refusal is counted in `/metrics` by agent type. One lookup under a lock per charged call.
public final class AgentQuotas: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case write, search, session
    }

    struct Bucket {
        var tokens: Double
        var at: Double
    }

    let configuration: QuotaConfiguration
    let clock: any WallClock
    /// Agent types counted by name in `/metrics`; any other is `other` (types are the caller's words).
    let knownTypes: Set<String>
    let buckets = Mutex<[String: Bucket]>([:])
    /// Buckets kept at most; past it the full ones (agents idle long enough to refill) are dropped.
    static let bucketLimit = 100_000

    public init(configuration: QuotaConfiguration, clock: any WallClock, knownTypes: Set<String>) {
        self.configuration = configuration
        self.clock = clock
        self.knownTypes = knownTypes
    }

    /// Tokens per second and the bucket's size for `kind`.
    func rate(_ kind: Kind) -> (perSecond: Double, burst: Double) {
        switch kind {
        case .write: (configuration.writesPerSecond, max(1, configuration.writesPerSecond * 2))
        case .search: (configuration.searchesPerSecond, max(1, configuration.searchesPerSecond * 2))
        case .session: (configuration.sessionsPerHour / 3_600, max(1, configuration.sessionsPerHour / 10))
        }
    }

    /// Takes one call of `kind` from `agent`'s bucket, or throws `RATE_LIMITED`.
    public func charge(_ kind: Kind, _ agent: AgentIdentity) throws {
        let (perSecond, burst) = rate(kind)
        let now = clock.now()
        let key = kind.rawValue + ":" + agent.agentID
        let wait = buckets.withLock { buckets -> Double? in
            var bucket = buckets[key] ?? Bucket(tokens: burst, at: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.at) * perSecond)
            bucket.at = now
            defer {
                if buckets.count >= Self.bucketLimit, buckets[key] == nil { Self.evict(&buckets, now: now) }
                buckets[key] = bucket
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / perSecond }
            bucket.tokens -= 1
            return nil
        }
        guard let wait else { return }
        let type = knownTypes.contains(agent.foldedAgentType) ? agent.foldedAgentType : "other"
        Counter(label: "scs_quota_refusals_total", dimensions: [("kind", kind.rawValue), ("agent_type", type)]).increment()
        throw SCSError.rateLimited(kind.rawValue, retryAfter: Int(wait.rounded(.up)))
    }

    static func evict(_ buckets: inout [String: Bucket], now: Double) {
        buckets = buckets.filter { now - $0.value.at < 60 }
        if buckets.count >= bucketLimit { buckets.removeAll() }
    }
}
