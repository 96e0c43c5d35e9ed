public import SCSCore

/// A memory write (an idempotent upsert on agent, key and scope).
public struct MemoryWrite: Sendable {
    public var agentID: String
    public var key: String
    public var scope: MemoryScope
    public var value: JSONValue
    public var metadata: JSONObject?
    /// Absolute expiry, unix seconds; nil = permanent.
    public var expiresAt: Double?
    /// When false and a live entry exists, the write fails with KEY_EXISTS.
    public var overwrite: Bool

    public init(
        agentID: String, key: String, scope: MemoryScope, value: JSONValue, metadata: JSONObject? = nil,
        expiresAt: Double? = nil, overwrite: Bool = true
    ) {
        self.agentID = agentID
        self.key = key
        self.scope = scope
        self.value = value
        self.metadata = metadata
        self.expiresAt = expiresAt
        self.overwrite = overwrite
    }
}

/// Identifies a memory entry (what the sweeper reports as expired).
public struct MemoryKey: Sendable, Hashable {
    public var agentID: String
    public var key: String
    public var scope: MemoryScope

    public init(agentID: String, key: String, scope: MemoryScope) {
        self.agentID = agentID
        self.key = key
        self.scope = scope
    }
}
