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
            var conditions: [String] = []
            var filterArguments: [any DatabaseValueConvertible] = []
            if query.activeOnly { conditions.append("s.is_active = 1 AND s.closed_at IS NULL") }
            if let createdBy = query.createdBy {
                conditions.append("s.created_by = ?")
                filterArguments.append(createdBy)
            }
            if let search = query.search, !search.isEmpty {
                // Literal: LIKE's wildcards in the text are escaped.
                let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
                conditions.append("(s.id LIKE ? ESCAPE '\\' OR s.purpose LIKE ? ESCAPE '\\')")
                filterArguments += [pattern, pattern]
            }
            let whereSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let visibility = VisibilityClause(reader: reader, table: "m")
            let participants = query.withParticipants
                ? """
                (SELECT group_concat(sender, char(31)) FROM (SELECT DISTINCT m.sender FROM messages m
                    WHERE m.session_id = s.id AND \(visibility.sql) LIMIT \(SessionSummary.maxParticipants)))
                """ : "NULL"
            let sql = """
                SELECT \(SQLiteRow.sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                    (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id AND \(visibility.sql)),
                    (SELECT MAX(m.timestamp) FROM messages m WHERE m.session_id = s.id AND \(visibility.sql)),
                    \(participants)
                FROM sessions s \(whereSQL)
                ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?
                """
            let arguments = visibility.arguments + visibility.arguments + (query.withParticipants ? visibility.arguments : []) + filterArguments + [query.limit, query.offset]
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let summaries = try rows.map { row in
                let session = try SQLiteRow.session(row)
                var summary = SessionSummary(
                    session: session, messageCount: Int(SQLiteRow.int(row[8]) ?? 0),
                    lastActivity: SQLiteRow.time(row[9]) ?? session.createdAt
                )
                summary.participants = (SQLiteRow.string(row[10]) ?? "").split(separator: "\u{1F}").map(String.init)
                return summary
            }
            let total = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM sessions s \(whereSQL)", arguments: StatementArguments(filterArguments)
            ) ?? 0
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
