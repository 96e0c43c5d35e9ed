import PostgresNIO
public import SCSCore
public import SCSStorage

extension PostgresStorage: MemoryStore {
    /// One statement decides: `INSERT … ON CONFLICT` on the unique keys (per session, and the
    /// partial one for global keys). With `overwrite: false` the conflicting row is replaced only
    /// when it has expired, so of any number of writers on any number of nodes exactly one wins;
    /// the others see no row come back and get KEY_EXISTS.
    public func putMemory(_ write: MemoryWrite, now: Double) async throws -> MemoryEntry {
        let value = write.value.compactText
        let metadata = write.metadata.map { JSONValue.object($0).compactText }
        let sessionID = write.scope.sessionID
        let target = sessionID == nil ? "(agent_id, key) WHERE session_id IS NULL" : "(agent_id, session_id, key)"
        let live = "(" + MemoryRules.live(column: "agent_memory.expires_at", at: "EXCLUDED.updated_at").rendered { _ in "" }.sql + ")"
        let update = write.overwrite
            ? """
            DO UPDATE SET value = EXCLUDED.value, metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at,
                expires_at = EXCLUDED.expires_at, created_at = CASE WHEN \(live) THEN agent_memory.created_at ELSE EXCLUDED.created_at END
            """
            : """
            DO UPDATE SET value = EXCLUDED.value, metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at,
                expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at WHERE NOT \(live)
            """
        let createdAt: Double? = try await transaction { connection in
            if let sessionID {
                let rows = try await connection.query(
                    "SELECT closed_at FROM sessions WHERE id = \(sessionID) FOR SHARE", logger: self.logger).collect()
                guard let row = rows.first else { throw SCSError.sessionNotFound(sessionID) }
                guard try row.decode(Double?.self) == nil else { throw SCSError.sessionClosed(sessionID) }
            }
            var statement = StatementBuilder()
            statement.sql = """
                INSERT INTO agent_memory (agent_id, session_id, key, value, metadata, created_at, updated_at, expires_at)
                VALUES (\(statement.bind(write.agentID)), \(statement.bind(sessionID)), \(statement.bind(write.key)), \(statement.bind(value)),
                    \(statement.bind(metadata))::json, \(statement.bind(now)), \(statement.bind(now)), \(statement.bind(write.expiresAt)))
                ON CONFLICT \(target) \(update)
                RETURNING created_at
                """
            return try await connection.query(statement.query, logger: self.logger).collect().first?.decode(Double.self)
        }
        guard let createdAt else { throw SCSError.keyExists(write.key) }
        return MemoryEntry(
            agentID: write.agentID, key: write.key, scope: write.scope, value: write.value, metadata: write.metadata,
            createdAt: createdAt, updatedAt: now, expiresAt: write.expiresAt)
    }

    public func memory(agentID: String, key: String, scope: MemoryScope, now: Double) async throws -> MemoryEntry? {
        var statement = StatementBuilder()
        let filter = statement.append(MemoryRules.entry(agentID: agentID, key: key, scope: scope, now: now))
        statement.sql = "SELECT \(PostgresRows.memoryColumns) FROM agent_memory WHERE \(filter)"
        return try await run(statement.query).first.map(PostgresRows.memory)
    }

    public func listMemory(
        agentID: String, scope: MemoryScopeFilter, prefix: String?, limit: Int, now: Double
    ) async throws -> [MemoryEntry] {
        var statement = StatementBuilder()
        let filter = statement.append(MemoryRules.list(agentID: agentID, scope: scope, prefix: prefix, now: now))
        statement.sql = """
            SELECT \(PostgresRows.memoryColumns) FROM agent_memory WHERE \(filter)
            ORDER BY updated_at DESC, id DESC LIMIT \(statement.bind(Int64(limit)))
            """
        return try await run(statement.query).map(PostgresRows.memory)
    }

    public func deleteMemory(agentID: String, key: String, scope: MemoryScope, now: Double) async throws -> Bool {
        var statement = StatementBuilder()
        let filter = statement.append(MemoryRules.entry(agentID: agentID, key: key, scope: scope, now: now))
        statement.sql = "DELETE FROM agent_memory WHERE \(filter) RETURNING id"
        return !(try await run(statement.query)).isEmpty
    }

    /// `DELETE … RETURNING` with `SKIP LOCKED`: two nodes sweeping at once take different rows,
    /// so each expiry is returned (and announced) once.
    public func deleteExpiredMemory(now: Double, limit: Int) async throws -> [MemoryEntry] {
        var statement = StatementBuilder()
        let expired = statement.append(MemoryRules.expired(now: now))
        statement.sql = """
            DELETE FROM agent_memory WHERE id IN (
                SELECT id FROM agent_memory WHERE \(expired) ORDER BY expires_at LIMIT \(statement.bind(Int64(limit))) FOR UPDATE SKIP LOCKED)
            RETURNING \(PostgresRows.memoryColumns)
            """
        return try await run(statement.query).map(PostgresRows.memory)
    }
}
