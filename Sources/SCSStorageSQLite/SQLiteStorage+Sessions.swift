import GRDB
public import SCSCore
public import SCSStorage
import OrderedCollections
import Foundation

extension SQLiteStorage {
    public func createSession(_ new: NewSession, audit: NewAuditEvent?) async throws -> Session {
        let session = try new.validated()
        return try await coalescedWrite { db in
            try db.execute(
                sql: "INSERT INTO sessions (id, purpose, created_by, created_at, updated_at, is_active, metadata) VALUES (?, ?, ?, ?, ?, 1, ?)",
                arguments: [
                    session.id, session.purpose, session.createdBy, session.createdAt, session.updatedAt,
                    StoredJSON.text(session.metadata),
                ]
            )
            if let audit { try Self.insertAudit(db, audit) }
            return session
        }
    }

    public func session(id: String) async throws -> Session? {
        try await read { db in try Self.fetchSession(db, id: id) }
    }

    static func fetchSession(_ db: Database, id: String) throws -> Session? {
        let statement = try db.cachedStatement(sql: "SELECT \(SQLiteRow.sessionColumns) FROM sessions WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id]).map { try SQLiteRow.session($0) }
    }

    public func listSessions(_ query: SessionListQuery, reader: AgentIdentity) async throws -> SessionListPage {
        try await read { db in
            let filters = SessionRules.filters(query, like: "LIKE")
            let whereSQL: SQLFragment = filters.isEmpty ? "" : "WHERE \(SQLFragment.all(filters))"
            let visible = MessageRules.visible(to: reader, alias: "m")
            let participants: SQLFragment = query.withParticipants
                ? """
                (SELECT group_concat(sender, char(31)) FROM (SELECT DISTINCT m.sender FROM messages m
                    WHERE m.session_id = s.id AND (\(visible)) LIMIT \(raw: String(SessionSummary.maxParticipants))))
                """ : "NULL"
            let columns = SQLiteRow.sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
            let statement: SQLFragment = """
                SELECT \(raw: columns),
                    (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id AND (\(visible))),
                    (SELECT MAX(m.timestamp) FROM messages m WHERE m.session_id = s.id AND (\(visible))),
                    \(participants)
                FROM sessions s \(whereSQL)
                ORDER BY s.created_at DESC, s.id DESC LIMIT \(query.limit) OFFSET \(query.offset)
                """
            let (sql, arguments) = statement.sqlite
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let summaries = try rows.map { row in
                let session = try SQLiteRow.session(row)
                var summary = SessionSummary(
                    session: session, messageCount: Int(SQLiteRow.int(row[8]) ?? 0),
                    lastActivity: SQLiteRow.time(row[9]) ?? session.createdAt
                )
                summary.participants = (SQLiteRow.string(row[10]) ?? "").split(separator: "\u{1F}").map(String.init)
                return summary
            }
            let count = ("SELECT COUNT(*) FROM sessions s \(whereSQL)" as SQLFragment).sqlite
            let total = try Int.fetchOne(db, sql: count.sql, arguments: count.arguments) ?? 0
            return SessionListPage(sessions: summaries, totalCount: total)
        }
    }

    public func closeSession(id: String, at time: Double) async throws -> Session {
        try await write { db in
            guard var session = try Self.fetchSession(db, id: id) else { throw SCSError.sessionNotFound(id) }
            if session.closedAt != nil { return session }
            try db.execute(
                sql: "UPDATE sessions SET closed_at = ?, is_active = 0, updated_at = ? WHERE id = ?",
                arguments: [time, time, id]
            )
            session.closedAt = time
            session.isActive = false
            session.updatedAt = time
            return session
        }
    }
}
