import GRDB
public import SCSCore
public import SCSStorage

extension SQLiteStorage {
    public func createMCPSession(_ record: MCPSessionRecord) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: "INSERT INTO mcp_sessions (id, protocol_version, bound_token, created_at, last_seen) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [record.id, record.protocolVersion, record.boundTokenDigest, record.createdAt, record.lastSeen])
        }
    }

    public func mcpSession(id: String) async throws -> MCPSessionRecord? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, protocol_version, bound_token, created_at, last_seen FROM mcp_sessions WHERE id = ?"),
                arguments: [id])
            else { return nil }
            return MCPSessionRecord(
                id: SQLiteRow.string(row[0]) ?? id, protocolVersion: SQLiteRow.string(row[1]) ?? "",
                boundTokenDigest: SQLiteRow.string(row[2]), createdAt: SQLiteRow.time(row[3]) ?? 0, lastSeen: SQLiteRow.time(row[4]) ?? 0)
        }
    }

    public func touchMCPSession(id: String, lastSeen: Double, boundTokenDigest: String??) async throws {
        try await write { db in
            if let boundTokenDigest {
                try db.cachedStatement(sql: "UPDATE mcp_sessions SET last_seen = ?, bound_token = ? WHERE id = ?")
                    .execute(arguments: [lastSeen, boundTokenDigest, id])
            } else {
                try db.cachedStatement(sql: "UPDATE mcp_sessions SET last_seen = ? WHERE id = ?").execute(arguments: [lastSeen, id])
            }
        }
    }

    public func deleteMCPSession(id: String) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM mcp_sessions WHERE id = ?").execute(arguments: [id])
            return db.changesCount > 0
        }
    }

    public func deleteIdleMCPSessions(boundBefore: Double, unboundBefore: Double) async throws -> [String] {
        try await write { db in
            try String.fetchAll(
                db.cachedStatement(sql: """
                    DELETE FROM mcp_sessions WHERE (bound_token IS NOT NULL AND last_seen < ?) OR (bound_token IS NULL AND last_seen < ?)
                    RETURNING id
                    """),
                arguments: [boundBefore, unboundBefore])
        }
    }

    public func countMCPSessions() async throws -> Int {
        try await read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM mcp_sessions")) ?? 0 }
    }

    public func recordActivity(sessionID: String, agentID: String, agentType: String, at time: Double) async throws {
        try await coalescedWrite { db in
            try db.cachedStatement(sql: """
                INSERT INTO agent_activity (session_id, agent_id, agent_type, last_seen)
                SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)
                ON CONFLICT(session_id, agent_id) DO UPDATE SET agent_type = excluded.agent_type,
                    last_seen = max(last_seen, excluded.last_seen)
                """).execute(arguments: [sessionID, agentID, agentType, time, sessionID])
        }
    }

    public func deleteActivity(before cutoff: Double) async throws -> Int {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM agent_activity WHERE last_seen < ?").execute(arguments: [cutoff])
            return db.changesCount
        }
    }

    public func visibleMessageCounts(sessionID: String, since: Double, reader: AgentIdentity) async throws -> [String: Int] {
        try await read { db in
            let statement: SQLFragment = """
                SELECT sender, COUNT(*) FROM messages
                WHERE session_id = \(sessionID) AND timestamp >= \(since) AND (\(MessageRules.visible(to: reader))) GROUP BY sender
                """
            let (sql, arguments) = statement.sqlite
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments) {
                counts[SQLiteRow.string(row[0]) ?? "", default: 0] += SQLiteRow.int(row[1]).map { Int($0) } ?? 0
            }
            return counts
        }
    }

    public func activeAgents(sessionID: String, since: Double) async throws -> [AgentActivity] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT agent_id, agent_type, last_seen FROM agent_activity WHERE session_id = ? AND last_seen >= ?
                    ORDER BY last_seen DESC, agent_id
                    """),
                arguments: [sessionID, since]
            ).map { AgentActivity(agentID: SQLiteRow.string($0[0]) ?? "", agentType: SQLiteRow.string($0[1]) ?? "", lastSeen: SQLiteRow.time($0[2]) ?? 0) }
        }
    }
}
