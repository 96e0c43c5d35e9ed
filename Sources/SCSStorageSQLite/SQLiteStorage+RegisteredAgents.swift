import GRDB
import SCSCore
public import SCSStorage

extension SQLiteStorage {
    public func registerAgent(_ agent: RegisteredAgent) async throws {
        try await write { db in
            try db.cachedStatement(sql: """
                INSERT INTO registered_agents (\(RegisteredAgentRules.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (agent_id) DO NOTHING
                """).execute(arguments: [
                    agent.agentID, agent.agentType, RegisteredAgentRules.stored(agent.permissions), agent.keyDigest, agent.createdAt,
                    agent.keyCreatedAt, agent.revokedAt,
                ])
            guard db.changesCount == 1 else { throw SCSError.agentAlreadyRegistered(agent.agentID) }
        }
    }

    public func registeredAgent(id: String) async throws -> RegisteredAgent? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(RegisteredAgentRules.columns) FROM registered_agents WHERE agent_id = ?"), arguments: [id]
            ).map(Self.registeredAgent)
        }
    }

    public func registeredAgent(keyDigest: String) async throws -> RegisteredAgent? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(RegisteredAgentRules.columns) FROM registered_agents WHERE key_digest = ?"),
                arguments: [keyDigest]
            ).map(Self.registeredAgent)
        }
    }

    public func registeredAgents() async throws -> [RegisteredAgent] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT \(RegisteredAgentRules.columns) FROM registered_agents ORDER BY agent_id"))
                .map(Self.registeredAgent)
        }
    }

    public func replaceAgentKey(agentID: String, keyDigest: String, at time: Double) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: """
                UPDATE registered_agents SET key_digest = ?, key_created_at = ? WHERE agent_id = ? AND revoked_at IS NULL
                """).execute(arguments: [keyDigest, time, agentID])
            return db.changesCount > 0
        }
    }

    public func revokeAgent(agentID: String, at time: Double) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE registered_agents SET revoked_at = ? WHERE agent_id = ? AND revoked_at IS NULL")
                .execute(arguments: [time, agentID])
            return db.changesCount > 0
        }
    }

    public func removeAgent(agentID: String) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM registered_agents WHERE agent_id = ?").execute(arguments: [agentID])
            return db.changesCount > 0
        }
    }

    public func seenAgents(limit: Int) async throws -> [SeenAgent] {
        try await read { db in
            let statement = RegisteredAgentRules.seen(limit: limit).sqlite
            return try Row.fetchAll(db, sql: statement.sql, arguments: statement.arguments).map { row in
                SeenAgent(
                    agentID: SQLiteRow.string(row[0]) ?? "", agentType: SQLiteRow.string(row[1]) ?? "", lastSeen: SQLiteRow.time(row[2]) ?? 0)
            }
        }
    }

    static func registeredAgent(_ row: Row) -> RegisteredAgent {
        RegisteredAgent(
            agentID: SQLiteRow.string(row[0]) ?? "", agentType: SQLiteRow.string(row[1]) ?? "",
            permissions: RegisteredAgentRules.permissions(SQLiteRow.string(row[2]) ?? ""), keyDigest: SQLiteRow.string(row[3]) ?? "",
            createdAt: SQLiteRow.time(row[4]) ?? 0, keyCreatedAt: SQLiteRow.time(row[5]) ?? 0, revokedAt: SQLiteRow.time(row[6]))
    }
}
