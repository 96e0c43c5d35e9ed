/// A shared session agents post messages into. Times are unix seconds.
public struct Session: Sendable, Hashable {
    /// `session_` + 16 lowercase hex digits.
    public var id: String
    public var purpose: String
    public var createdBy: String
    public var createdAt: Double
    public var updatedAt: Double
    public var isActive: Bool
    /// A JSON object, or nil when absent.
    public var metadata: JSONObject?
    /// When the session was closed (nil while open).
    public var closedAt: Double?

    public init(
        id: String, purpose: String, createdBy: String, createdAt: Double, updatedAt: Double,
        isActive: Bool = true, metadata: JSONObject? = nil, closedAt: Double? = nil
    ) {
        self.id = id
        self.purpose = purpose
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.isActive = isActive
        self.metadata = metadata
        self.closedAt = closedAt
    }

    public var isClosed: Bool { closedAt != nil }

    /// A new random session id: `session_` + 16 hex digits.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return "session_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether `id` has the `session_` + 16 hex form.
    public static func isValidID(_ id: String) -> Bool {
        guard id.hasPrefix("session_") else { return false }
        let rest = id.utf8.dropFirst(8)
        return rest.count == 16 && rest.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
