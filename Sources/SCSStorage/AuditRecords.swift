public import SCSCore

/// One audit-log row.
public struct AuditEvent: Sendable, Hashable {
    public var id: Int64
    public var timestamp: Double
    public var eventType: String
    public var agentID: String
    public var sessionID: String?
    public var metadata: JSONObject?

    public init(id: Int64, timestamp: Double, eventType: String, agentID: String, sessionID: String?, metadata: JSONObject?) {
        self.id = id
        self.timestamp = timestamp
        self.eventType = eventType
        self.agentID = agentID
        self.sessionID = sessionID
        self.metadata = metadata
    }
}

public struct NewAuditEvent: Sendable {
    public var eventType: String
    public var agentID: String
    public var sessionID: String?
    public var metadata: JSONObject?
    public var timestamp: Double

    public init(eventType: String, agentID: String, sessionID: String? = nil, metadata: JSONObject? = nil, timestamp: Double) {
        self.eventType = eventType
        self.agentID = agentID
        self.sessionID = sessionID
        self.metadata = metadata
        self.timestamp = timestamp
    }
}

/// Filters for audit queries; results are newest first.
public struct AuditQuery: Sendable {
    public var agentID: String?
    public var sessionID: String?
    public var eventType: String?
    /// Inclusive lower bound, unix seconds.
    public var since: Double?
    public var limit: Int

    public init(agentID: String? = nil, sessionID: String? = nil, eventType: String? = nil, since: Double? = nil, limit: Int = 100) {
        self.agentID = agentID
        self.sessionID = sessionID
        self.eventType = eventType
        self.since = since
        self.limit = limit
    }
}

/// A stored agent token: the `sct_` id the client holds and the encrypted JWT behind it.
public struct TokenRecord: Sendable, Hashable {
    public var tokenID: String
    public var encryptedJWT: [UInt8]
    public var agentID: String
    public var expiresAt: Double
    public var createdAt: Double

    public init(tokenID: String, encryptedJWT: [UInt8], agentID: String, expiresAt: Double, createdAt: Double) {
        self.tokenID = tokenID
        self.encryptedJWT = encryptedJWT
        self.agentID = agentID
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }
}
