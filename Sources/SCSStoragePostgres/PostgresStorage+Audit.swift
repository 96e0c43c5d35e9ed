import Logging
import NIOCore
import OrderedCollections
import PostgresNIO
import SCSCore
public import SCSStorage

extension PostgresStorage: AuditStore {
    @discardableResult
    public func appendAudit(_ event: NewAuditEvent) async throws -> Int64 {
        let metadata = StoredJSON.text(event.metadata)
        return try await run(
            """
            INSERT INTO audit_log (timestamp, event_type, agent_id, session_id, metadata)
            VALUES (\(event.timestamp), \(event.eventType), \(event.agentID), \(event.sessionID), \(metadata)::json) RETURNING id
            """
        ).first?.decode(Int64.self) ?? 0
    }

    public func auditEvents(_ query: AuditQuery) async throws -> [AuditEvent] {
        var statement = StatementBuilder()
        var conditions: [String] = []
        if let agentID = query.agentID { conditions.append("agent_id = \(statement.bind(agentID))") }
        if let sessionID = query.sessionID { conditions.append("session_id = \(statement.bind(sessionID))") }
        if let eventType = query.eventType { conditions.append("event_type = \(statement.bind(eventType))") }
        if let since = query.since { conditions.append("timestamp >= \(statement.bind(since))") }
        let whereSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        statement.sql = """
            SELECT id, timestamp, event_type, agent_id, session_id, metadata::text FROM audit_log \(whereSQL)
            ORDER BY timestamp DESC, id DESC LIMIT \(statement.bind(Int64(query.limit)))
            """
        return try await run(statement.query).map { row in
            let (id, timestamp, eventType, agentID, sessionID, metadata) = try row.decode((Int64, Double?, String, String, String?, String?).self)
            return AuditEvent(
                id: id, timestamp: timestamp ?? 0, eventType: eventType, agentID: agentID, sessionID: sessionID,
                metadata: StoredJSON.object(metadata))
        }
    }

    public func deleteAudit(before cutoff: Double) async throws -> Int {
        try await run("DELETE FROM audit_log WHERE timestamp < \(cutoff) RETURNING id").count
    }
}

extension PostgresStorage: TokenStore {
    public func insertToken(_ record: TokenRecord, audit: NewAuditEvent?) async throws {
        try await transaction { connection in
            try await Self.insert(record, connection, logger: self.logger)
            if let audit { try await Self.insertAudit(connection, audit, logger: self.logger) }
        }
    }

    static func insert(_ record: TokenRecord, _ connection: PostgresConnection, logger: Logger) async throws {
        let jwt = ByteBuffer(bytes: record.encryptedJWT)
        try await connection.query(
            """
            INSERT INTO secure_tokens (token_id, encrypted_jwt, agent_id, expires_at, created_at, jwt_id)
            VALUES (\(record.tokenID), \(jwt), \(record.agentID), \(record.expiresAt), \(record.createdAt), \(record.jwtID))
            """, logger: logger)
    }

    public func token(id: String) async throws -> TokenRecord? {
        guard let row = try await run(
            "SELECT token_id, encrypted_jwt, agent_id, expires_at, created_at, jwt_id FROM secure_tokens WHERE token_id = \(id)"
        ).first else { return nil }
        let (tokenID, jwt, agentID, expiresAt, createdAt, jwtID) = try row.decode((String, ByteBuffer, String, Double, Double?, String?).self)
        return TokenRecord(
            tokenID: tokenID, encryptedJWT: Array(jwt.readableBytesView), agentID: agentID, expiresAt: expiresAt,
            createdAt: createdAt ?? 0, jwtID: jwtID)
    }

    public func hasLiveToken(jwtID: String, now: Double) async throws -> Bool {
        try await run("SELECT EXISTS (SELECT 1 FROM secure_tokens WHERE jwt_id = \(jwtID) AND expires_at > \(now))").first?.decode(Bool.self) ?? false
    }

    /// The delete and the insert in one transaction: of two refreshes of one token on any nodes,
    /// only the one whose delete found the row goes on.
    public func replaceToken(oldID: String, with replacement: TokenRecord) async throws -> Bool {
        try await transaction { connection in
            let deleted = try await connection.query(
                "DELETE FROM secure_tokens WHERE token_id = \(oldID) RETURNING id", logger: self.logger).collect()
            guard !deleted.isEmpty else { return false }
            try await Self.insert(replacement, connection, logger: self.logger)
            return true
        }
    }

    public func deleteToken(id: String) async throws -> Bool {
        !(try await run("DELETE FROM secure_tokens WHERE token_id = \(id) RETURNING id")).isEmpty
    }

    public func deleteExpiredTokens(now: Double) async throws -> Int {
        try await run("DELETE FROM secure_tokens WHERE expires_at <= \(now) RETURNING id").count
    }
}
