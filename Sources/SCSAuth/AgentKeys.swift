import Foundation
public import SCSCore
public import SCSStorage
import Synchronization

/// Registered agents' keys (README, "Security"): `scs agents add` issues an `sca_` key, kept only
/// as its digest; a request that presents it (in `X-API-Key` or `Authorization: Bearer`) is that
/// agent, on every node, and on nothing else. A resolved key is remembered for at most
/// `cacheLifetime` (one second), so a rotated or revoked key fails everywhere within it.
public final class AgentKeys: Sendable {
    public static let prefix = "sca_"
    public static let defaultCacheLifetime: Double = 1
    /// Keys remembered at most (the least recently resolved forgotten first).
    static let cacheLimit = 10_000

    let store: any RegisteredAgentStore
    let policy: PermissionPolicy
    let clock: any WallClock
    let cacheLifetime: Double
    let cache = Mutex<[String: (identity: AgentIdentity?, until: Double)]>([:])

    public init(
        store: any RegisteredAgentStore, policy: PermissionPolicy = .standard, clock: any WallClock = SystemClock(),
        cacheLifetime: Double = AgentKeys.defaultCacheLifetime
    ) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.cacheLifetime = cacheLifetime
    }

    /// Whether `credential` is shaped like an agent key (it may still be unknown or revoked).
    public static func isAgentKey(_ credential: String?) -> Bool { credential?.hasPrefix(prefix) == true }

    /// A fresh key: `sca_` and the URL-safe base64 of 32 random bytes (unpadded).
    public static func generate() -> String {
        prefix + SecretGenerator.fernetKey().replacingOccurrences(of: "=", with: "")
    }

    /// The agent `key` identifies, with the permissions it was registered with (never more than
    /// its type allows); nil for an unknown, rotated-out or revoked key.
    public func resolve(_ key: String) async throws -> AgentIdentity? {
        guard Self.isAgentKey(key) else { return nil }
        let digest = TokenDigest.of(key)
        let now = clock.now()
        if let cached = cache.withLock({ $0[digest] }), cached.until > now { return cached.identity }
        let identity = try await store.registeredAgent(keyDigest: digest).flatMap { agent -> AgentIdentity? in
            guard agent.revokedAt == nil else { return nil }
            return AgentIdentity(agentID: agent.agentID, agentType: agent.agentType, permissions: grant(agent.agentType, agent.permissions))
        }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache = cache.filter { $0.value.until > now } }
            if cache.count < Self.cacheLimit { cache[digest] = (identity, now + cacheLifetime) }
        }
        return identity
    }

    func grant(_ agentType: String, _ permissions: [String]) -> [Permission] {
        policy.grant(agentType: agentType, requested: permissions)
    }

    /// Registers `agentID` and returns its key (shown once: only its digest is kept).
    public func register(agentID: String, agentType: String, permissions: [String]) async throws -> (key: String, agent: RegisteredAgent) {
        let key = Self.generate()
        let now = clock.now()
        let granted = grant(agentType, permissions).map(\.rawValue)
        let agent = RegisteredAgent(
            agentID: agentID, agentType: agentType, permissions: granted, keyDigest: TokenDigest.of(key), createdAt: now, keyCreatedAt: now)
        try await store.registerAgent(agent)
        return (key, agent)
    }

    /// A new key for `agentID` (the old one stops working); nil when it is unknown or revoked.
    public func rotate(agentID: String) async throws -> String? {
        let key = Self.generate()
        guard try await store.replaceAgentKey(agentID: agentID, keyDigest: TokenDigest.of(key), at: clock.now()) else { return nil }
        cache.withLock { $0.removeAll() }
        return key
    }
}
