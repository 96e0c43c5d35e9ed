import PostgresNIO
public import SCSCore
public import SCSStorage

extension PostgresStorage: MCPSessionStore {
    public func createMCPSession(_ record: MCPSessionRecord) async throws {
        try await run(
            """
            INSERT INTO mcp_sessions (id, protocol_version, bound_token, created_at, last_seen)
            VALUES (\(record.id), \(record.protocolVersion), \(record.boundTokenDigest), \(record.createdAt), \(record.lastSeen))
            """)
    }

    public func mcpSession(id: String) async throws -> MCPSessionRecord? {
        guard let row = try await run(
            "SELECT id, protocol_version, bound_token, created_at, last_seen FROM mcp_sessions WHERE id = \(id)"
        ).first else { return nil }
        let (rowID, version, bound, createdAt, lastSeen) = try row.decode((String, String, String?, Double, Double).self)
        return MCPSessionRecord(id: rowID, protocolVersion: version, boundTokenDigest: bound, createdAt: createdAt, lastSeen: lastSeen)
    }

    public func touchMCPSession(id: String, lastSeen: Double, boundTokenDigest: String??) async throws {
        if let boundTokenDigest {
            try await run("UPDATE mcp_sessions SET last_seen = \(lastSeen), bound_token = \(boundTokenDigest) WHERE id = \(id)")
        } else {
            try await run("UPDATE mcp_sessions SET last_seen = GREATEST(last_seen, \(lastSeen)) WHERE id = \(id)")
        }
    }

    public func deleteMCPSession(id: String) async throws -> Bool {
        !(try await run("DELETE FROM mcp_sessions WHERE id = \(id) RETURNING id")).isEmpty
    }

    public func deleteIdleMCPSessions(boundBefore: Double, unboundBefore: Double) async throws -> [String] {
        try await run(
            """
            DELETE FROM mcp_sessions
            WHERE (bound_token IS NOT NULL AND last_seen < \(boundBefore)) OR (bound_token IS NULL AND last_seen < \(unboundBefore))
            RETURNING id
            """
        ).map { try $0.decode(String.self) }
    }

    public func countMCPSessions() async throws -> Int {
        Int(try await run("SELECT COUNT(*) FROM mcp_sessions").first?.decode(Int64.self) ?? 0)
    }
}

extension PostgresStorage: ActivityStore {
    public func recordActivity(sessionID: String, agentID: String, agentType: String, at time: Double) async throws {
        try await run(
            """
            INSERT INTO agent_activity (session_id, agent_id, agent_type, last_seen)
            SELECT \(sessionID), \(agentID), \(agentType), \(time) WHERE EXISTS (SELECT 1 FROM sessions WHERE id = \(sessionID))
            ON CONFLICT (session_id, agent_id) DO UPDATE SET agent_type = EXCLUDED.agent_type,
                last_seen = GREATEST(agent_activity.last_seen, EXCLUDED.last_seen)
            """)
    }

    public func deleteActivity(before cutoff: Double) async throws -> Int {
        try await run("DELETE FROM agent_activity WHERE last_seen < \(cutoff) RETURNING agent_id").count
    }

    public func visibleMessageCounts(sessionID: String, since: Double, reader: AgentIdentity) async throws -> [String: Int] {
        var statement = StatementBuilder()
        let visible = "(" + statement.append(MessageRules.visible(to: reader)) + ")"
        statement.sql = """
            SELECT sender, COUNT(*) FROM messages
            WHERE session_id = \(statement.bind(sessionID)) AND timestamp >= \(statement.bind(since)) AND \(visible) GROUP BY sender
            """
        var counts: [String: Int] = [:]
        for row in try await run(statement.query) {
            let (sender, count) = try row.decode((String, Int64).self)
            counts[sender, default: 0] += Int(count)
        }
        return counts
    }

    public func activeAgents(sessionID: String, since: Double) async throws -> [AgentActivity] {
        try await run(
            """
            SELECT agent_id, agent_type, last_seen FROM agent_activity WHERE session_id = \(sessionID) AND last_seen >= \(since)
            ORDER BY last_seen DESC, agent_id
            """
        ).map { row in
            let (agentID, agentType, lastSeen) = try row.decode((String, String, Double).self)
            return AgentActivity(agentID: agentID, agentType: agentType, lastSeen: lastSeen)
        }
    }
}
