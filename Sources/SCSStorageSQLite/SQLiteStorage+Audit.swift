import Foundation
import GRDB
import SCSCore
public import SCSStorage

extension SQLiteStorage {
    @discardableResult
    public func appendAudit(_ event: NewAuditEvent) async throws -> Int64 {
        try await coalescedWrite { db in try Self.insertAudit(db, event) }
    }

    @discardableResult
    static func insertAudit(_ db: Database, _ event: NewAuditEvent) throws -> Int64 {
        try db.cachedStatement(
            sql: "INSERT INTO audit_log (timestamp, event_type, agent_id, session_id, metadata) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [
            event.timestamp, event.eventType, event.agentID, event.sessionID, StoredJSON.text(event.metadata),
        ])
        return db.lastInsertedRowID
    }

    public func auditEvents(_ query: AuditQuery) async throws -> [AuditEvent] {
        try await read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let agentID = query.agentID {
                conditions.append("agent_id = ?")
                arguments.append(agentID)
            }
            if let sessionID = query.sessionID {
                conditions.append("session_id = ?")
                arguments.append(sessionID)
            }
            if let eventType = query.eventType {
                conditions.append("event_type = ?")
                arguments.append(eventType)
            }
            if let since = query.since {
                conditions.append("timestamp >= ?")
                arguments.append(since)
            }
            let whereSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, timestamp, event_type, agent_id, session_id, metadata FROM audit_log \(whereSQL)
                    ORDER BY timestamp DESC, id DESC LIMIT ?
                    """,
                arguments: StatementArguments(arguments + [query.limit])
            )
            return rows.map { row in
                AuditEvent(
                    id: SQLiteRow.int(row[0]) ?? 0, timestamp: SQLiteRow.time(row[1]) ?? 0,
                    eventType: SQLiteRow.string(row[2]) ?? "", agentID: SQLiteRow.string(row[3]) ?? "",
                    sessionID: SQLiteRow.string(row[4]), metadata: SQLiteRow.object(row[5])
                )
            }
        }
    }

    public func deleteAudit(before cutoff: Double) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE timestamp < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    // MARK: - Tokens

    public func insertToken(_ record: TokenRecord, audit: NewAuditEvent?) async throws {
        try await coalescedWrite { db in
            try Self.insert(record, db)
            if let audit { try Self.insertAudit(db, audit) }
        }
    }

    static func insert(_ record: TokenRecord, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO secure_tokens (token_id, encrypted_jwt, agent_id, expires_at, created_at, jwt_id) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            record.tokenID, Data(record.encryptedJWT), record.agentID, record.expiresAt, record.createdAt, record.jwtID,
        ])
    }

    public func token(id: String) async throws -> TokenRecord? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT token_id, encrypted_jwt, agent_id, expires_at, created_at, jwt_id FROM secure_tokens WHERE token_id = ?"
                ),
                arguments: [id]
            ) else { return nil }
            let blob: [UInt8]
            switch (row[1] as DatabaseValue).storage {
            case .blob(let data): blob = Array(data)
            case .string(let text): blob = Array(text.utf8)
            default: blob = []
            }
            return TokenRecord(
                tokenID: SQLiteRow.string(row[0]) ?? id, encryptedJWT: blob, agentID: SQLiteRow.string(row[2]) ?? "",
                expiresAt: SQLiteRow.time(row[3]) ?? 0, createdAt: SQLiteRow.time(row[4]) ?? 0, jwtID: SQLiteRow.string(row[5])
            )
        }
    }

    public func hasLiveToken(jwtID: String, now: Double) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM secure_tokens WHERE jwt_id = ? AND expires_at > ?)"),
                arguments: [jwtID, now]) ?? false
        }
    }

    public func replaceToken(oldID: String, with replacement: TokenRecord) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM secure_tokens WHERE token_id = ?", arguments: [oldID])
            guard db.changesCount > 0 else { return false }
            try Self.insert(replacement, db)
            return true
        }
    }

    public func deleteToken(id: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM secure_tokens WHERE token_id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func deleteExpiredTokens(now: Double) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM secure_tokens WHERE expires_at <= ?", arguments: [now])
            return db.changesCount
        }
    }
}
