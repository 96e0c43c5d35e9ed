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

/// A stored agent token: the digest of the `sct_` token the client holds (never the token
/// itself, see `TokenDigest`), the encrypted JWT behind it and that JWT's `jti`.
public struct TokenRecord: Sendable, Hashable {
    /// `TokenDigest.of(token)`.
    public var tokenID: String
    public var encryptedJWT: [UInt8]
    public var agentID: String
    public var expiresAt: Double
    public var createdAt: Double
    /// The JWT's `jti`: a raw JWT is accepted only while a live row carries it. Nil for rows the
    /// Python server wrote.
    public var jwtID: String?

    public init(tokenID: String, encryptedJWT: [UInt8], agentID: String, expiresAt: Double, createdAt: Double, jwtID: String? = nil) {
        self.tokenID = tokenID
        self.encryptedJWT = encryptedJWT
        self.agentID = agentID
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.jwtID = jwtID
    }
}
