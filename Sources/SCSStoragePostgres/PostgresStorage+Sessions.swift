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
        var conditions: [String] = []
        var filter = StatementBuilder()
        func filters(_ builder: inout StatementBuilder) -> String {
            conditions = []
            if query.activeOnly { conditions.append("s.is_active AND s.closed_at IS NULL") }
            if let createdBy = query.createdBy { conditions.append("s.created_by = \(builder.bind(createdBy))") }
            if let search = query.search, !search.isEmpty {
                // Literal: the pattern's wildcards are escaped (backslash is LIKE's default escape).
                let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
                let placeholder = builder.bind(pattern)
                conditions.append("(s.id LIKE \(placeholder) OR s.purpose LIKE \(placeholder))")
            }
            return conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        }
        var page = StatementBuilder()
        let visible = PostgresVisibility.condition(reader: reader, table: "m", into: &page)
        let participants = query.withParticipants
            ? """
            (SELECT string_agg(sender, chr(31)) FROM (SELECT DISTINCT m.sender FROM messages m
                WHERE m.session_id = s.id AND \(visible) LIMIT \(SessionSummary.maxParticipants)) p)
            """ : "NULL"
        let whereSQL = filters(&page)
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
        let countSQL = filters(&filter)
        filter.sql = "SELECT COUNT(*) FROM sessions s \(countSQL)"
        let total = try await run(filter.query).first?.decode(Int64.self) ?? 0
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

/// The visibility rule of docs/CONTRACT.md §4 as a condition over `messages` columns.
enum PostgresVisibility {
    static func condition(reader: AgentIdentity, table alias: String = "", into builder: inout StatementBuilder) -> String {
        let p = alias.isEmpty ? "" : alias + "."
        if reader.isAdmin { return "TRUE" }
        let agent = builder.bind(reader.agentID)
        let type = builder.bind(reader.foldedAgentType)
        return "(\(p)visibility = 'public' OR (\(p)visibility = 'private' AND \(p)sender = \(agent)) OR "
            + "(\(p)visibility = 'agent_only' AND (\(p)sender = \(agent) OR lower(\(p)sender_type) = \(type))))"
    }
}
