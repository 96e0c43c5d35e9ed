/// One key/value entry of an agent's memory.
public struct MemoryEntry: Sendable, Hashable {
    public var agentID: String
    public var key: String
    public var scope: MemoryScope
    /// Any JSON value.
    public var value: JSONValue
    public var metadata: JSONObject?
    public var createdAt: Double
    public var updatedAt: Double
    /// Unix seconds after which the entry no longer exists; nil = permanent.
    public var expiresAt: Double?

    public init(
        agentID: String, key: String, scope: MemoryScope, value: JSONValue, metadata: JSONObject? = nil,
        createdAt: Double, updatedAt: Double, expiresAt: Double? = nil
    ) {
        self.agentID = agentID
        self.key = key
        self.scope = scope
        self.value = value
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
    }

    public func isExpired(at now: Double) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt <= now
    }

    /// The value's size when the value itself was left out (lists and events ship no values).
    public var omittedValueSize: Int?

    /// Size of the stored value in characters, as `list_memory` reports it.
    public var valueSize: Int { omittedValueSize ?? value.compactText.unicodeScalars.count }

    /// The entry without its value (its size kept): what a list or an expiry event carries.
    public var withoutValue: MemoryEntry {
        var entry = self
        entry.omittedValueSize = valueSize
        entry.value = .null
        return entry
    }

    /// Longest key after trimming.
    public static let maxKeyLength = 255
    /// Longest TTL: one year.
    public static let maxTTLSeconds: Int64 = 31_536_000
}
