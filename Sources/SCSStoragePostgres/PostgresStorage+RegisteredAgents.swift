import PostgresNIO
import SCSCore
public import SCSStorage

extension PostgresStorage: RegisteredAgentStore {
    public func registerAgent(_ agent: RegisteredAgent) async throws {
        let inserted = try await run("""
            INSERT INTO registered_agents (\(unescaped: RegisteredAgentRules.columns))
            VALUES (\(agent.agentID), \(agent.agentType), \(RegisteredAgentRules.stored(agent.permissions)), \(agent.keyDigest),
                \(agent.createdAt), \(agent.keyCreatedAt), \(agent.revokedAt))
            ON CONFLICT (agent_id) DO NOTHING RETURNING agent_id
            """)
        guard !inserted.isEmpty else { throw SCSError.agentAlreadyRegistered(agent.agentID) }
    }

    public func registeredAgent(id: String) async throws -> RegisteredAgent? {
        try await run("SELECT \(unescaped: RegisteredAgentRules.columns) FROM registered_agents WHERE agent_id = \(id)")
            .first.map(Self.registeredAgent)
    }

    public func registeredAgent(keyDigest: String) async throws -> RegisteredAgent? {
        try await run("SELECT \(unescaped: RegisteredAgentRules.columns) FROM registered_agents WHERE key_digest = \(keyDigest)")
            .first.map(Self.registeredAgent)
    }

    public func registeredAgents() async throws -> [RegisteredAgent] {
        try await run("SELECT \(unescaped: RegisteredAgentRules.columns) FROM registered_agents ORDER BY agent_id").map(Self.registeredAgent)
    }

    public func replaceAgentKey(agentID: String, keyDigest: String, at time: Double) async throws -> Bool {
        !(try await run("""
            UPDATE registered_agents SET key_digest = \(keyDigest), key_created_at = \(time)
            WHERE agent_id = \(agentID) AND revoked_at IS NULL RETURNING agent_id
            """)).isEmpty
    }

    public func revokeAgent(agentID: String, at time: Double) async throws -> Bool {
        !(try await run(
            "UPDATE registered_agents SET revoked_at = \(time) WHERE agent_id = \(agentID) AND revoked_at IS NULL RETURNING agent_id")).isEmpty
    }

    public func removeAgent(agentID: String) async throws -> Bool {
        !(try await run("DELETE FROM registered_agents WHERE agent_id = \(agentID) RETURNING agent_id")).isEmpty
    }

    public func seenAgents(limit: Int) async throws -> [SeenAgent] {
        var statement = StatementBuilder()
        statement.sql = statement.append(RegisteredAgentRules.seen(limit: limit))
        return try await run(statement.query).map { row in
            let (agentID, agentType, lastSeen) = try row.decode((String?, String?, Double?).self)
            return SeenAgent(agentID: agentID ?? "", agentType: agentType ?? "", lastSeen: lastSeen ?? 0)
        }
    }

    static func registeredAgent(_ row: PostgresRow) throws -> RegisteredAgent {
        let (agentID, agentType, permissions, keyDigest, createdAt, keyCreatedAt, revokedAt) = try row.decode(
            (String, String, String, String, Double, Double, Double?).self)
        return RegisteredAgent(
            agentID: agentID, agentType: agentType, permissions: RegisteredAgentRules.permissions(permissions), keyDigest: keyDigest,
            createdAt: createdAt, keyCreatedAt: keyCreatedAt, revokedAt: revokedAt)
    }
}
