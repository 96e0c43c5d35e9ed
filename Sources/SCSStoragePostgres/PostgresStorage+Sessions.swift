import Foundation
import Logging
import OrderedCollections
import PostgresNIO
public import SCSCore
public import SCSStorage

extension PostgresStorage: SessionStore {
    public func createSession(_ new: NewSession, audit: NewAuditEvent?) async throws -> Session {
        let session = try new.validated()
        let metadata = StoredJSON.text(session.metadata)
        return try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO sessions (id, purpose, created_by, created_at, updated_at, is_active, metadata)
                VALUES (\(session.id), \(session.purpose), \(session.createdBy), \(session.createdAt), \(session.updatedAt), TRUE, \(metadata)::json)
                """, logger: self.logger)
            if let audit { try await Self.insertAudit(connection, audit, logger: self.logger) }
            return session
        }
    }

    public func session(id: String) async throws -> Session? {
        try await run("SELECT \(unescaped: PostgresRows.sessionColumns) FROM sessions WHERE id = \(id)").first.map(PostgresRows.session)
    }

    public func listSessions(_ query: SessionListQuery, reader: AgentIdentity) async throws -> SessionListPage {
        let filters = SessionRules.filters(query, like: "ILIKE")
        let filter: SQLFragment = filters.isEmpty ? "" : "WHERE \(SQLFragment.all(filters))"
        var page = StatementBuilder()
        let visible = "(" + page.append(MessageRules.visible(to: reader, alias: "m")) + ")"
        let participants = query.withParticipants
            ? """
            (SELECT string_agg(sender, chr(31)) FROM (SELECT DISTINCT m.sender FROM messages m
                WHERE m.session_id = s.id AND \(visible) LIMIT \(SessionSummary.maxParticipants)) p)
            """ : "NULL"
        let whereSQL = page.append(filter)
        let columns = PostgresRows.sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }
        page.sql = """
            SELECT \(columns.joined(separator: ", ")),
                (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id AND \(visible)),
                (SELECT MAX(m.timestamp) FROM messages m WHERE m.session_id = s.id AND \(visible)),
                \(participants)
            FROM sessions s \(whereSQL)
            ORDER BY s.created_at DESC, s.id DESC LIMIT \(page.bind(Int64(query.limit))) OFFSET \(page.bind(Int64(query.offset)))
            """
        let rows = try await run(page.query)
        let summaries = try rows.map { row in
            let session = try PostgresRows.session(row)
            let random = row.makeRandomAccess()
            var summary = SessionSummary(
                session: session, messageCount: Int(try random[8].decode(Int64.self)),
                lastActivity: try random[9].decode(Double?.self) ?? session.createdAt)
            summary.participants = (try random[10].decode(String?.self) ?? "").split(separator: "\u{1F}").map(String.init)
            return summary
        }
        var count = StatementBuilder()
        count.sql = "SELECT COUNT(*) FROM sessions s \(count.append(filter))"
        let total = try await run(count.query).first?.decode(Int64.self) ?? 0
        return SessionListPage(sessions: summaries, totalCount: Int(total))
    }

    public func closeSession(id: String, at time: Double) async throws -> Session {
        try await transaction { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: PostgresRows.sessionColumns) FROM sessions WHERE id = \(id) FOR UPDATE", logger: self.logger
            ).collect()
            guard var session = try rows.first.map(PostgresRows.session) else { throw SCSError.sessionNotFound(id) }
            if session.closedAt != nil { return session }
            try await connection.query(
                "UPDATE sessions SET closed_at = \(time), is_active = FALSE, updated_at = \(time) WHERE id = \(id)", logger: self.logger)
            session.closedAt = time
            session.isActive = false
            session.updatedAt = time
            return session
        }
    }

    /// An audit row inside the caller's transaction.
    static func insertAudit(_ connection: PostgresConnection, _ event: NewAuditEvent, logger: Logger) async throws {
        let metadata = StoredJSON.text(event.metadata)
        try await connection.query(
            """
            INSERT INTO audit_log (timestamp, event_type, agent_id, session_id, metadata)
            VALUES (\(event.timestamp), \(event.eventType), \(event.agentID), \(event.sessionID), \(metadata)::json)
            """, logger: logger)
    }
}
