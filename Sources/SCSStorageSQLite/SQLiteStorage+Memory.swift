import GRDB
public import SCSCore
public import SCSStorage

extension SQLiteStorage {
    public func putMemory(_ write: MemoryWrite, now: Double) async throws -> MemoryEntry {
        try await self.write { db in
            if case .session(let sessionID) = write.scope {
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT closed_at FROM sessions WHERE id = ?"), arguments: [sessionID]
                )
                guard let row else { throw SCSError.sessionNotFound(sessionID) }
                guard SQLiteRow.time(row[0]) == nil else { throw SCSError.sessionClosed(sessionID) }
            }
            // One IMMEDIATE transaction: the check and the write cannot interleave with another writer.
            let existing = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT id, created_at, expires_at FROM agent_memory WHERE agent_id = ? AND key = ? AND session_id IS ?"
                ),
                arguments: [write.agentID, write.key, write.scope.sessionID]
            )
            let valueText = write.value.compactText
            let metadataText = write.metadata.map { JSONValue.object($0).compactText }
            if let existing {
                let expiresAt = SQLiteRow.time(existing[2])
                let live = MemoryRules.isLive(expiresAt: expiresAt, now: now)
                if live && !write.overwrite { throw SCSError.keyExists(write.key) }
                let createdAt = live ? (SQLiteRow.time(existing[1]) ?? now) : now
                try db.cachedStatement(
                    sql: "UPDATE agent_memory SET value = ?, metadata = ?, created_at = ?, updated_at = ?, expires_at = ? WHERE id = ?"
                ).execute(arguments: [valueText, metadataText, createdAt, now, write.expiresAt, existing[0]])
                return MemoryEntry(
                    agentID: write.agentID, key: write.key, scope: write.scope, value: write.value, metadata: write.metadata,
                    createdAt: createdAt, updatedAt: now, expiresAt: write.expiresAt
                )
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO agent_memory (agent_id, session_id, key, value, metadata, created_at, updated_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                write.agentID, write.scope.sessionID, write.key, valueText, metadataText, now, now, write.expiresAt,
            ])
            return MemoryEntry(
                agentID: write.agentID, key: write.key, scope: write.scope, value: write.value, metadata: write.metadata,
                createdAt: now, updatedAt: now, expiresAt: write.expiresAt
            )
        }
    }

    public func memory(agentID: String, key: String, scope: MemoryScope, now: Double) async throws -> MemoryEntry? {
        try await read { db in
            let statement = ("SELECT \(raw: SQLiteRow.memoryColumns) FROM agent_memory WHERE \(MemoryRules.entry(agentID: agentID, key: key, scope: scope, now: now))" as SQLFragment).sqlite
            return try Row.fetchOne(db.cachedStatement(sql: statement.sql), arguments: statement.arguments).map(SQLiteRow.memory)
        }
    }

    public func listMemory(
        agentID: String, scope: MemoryScopeFilter, prefix: String?, limit: Int, now: Double
    ) async throws -> [MemoryEntry] {
        try await read { db in
            let statement = ("""
                SELECT \(raw: SQLiteRow.memoryColumns) FROM agent_memory
                WHERE \(MemoryRules.list(agentID: agentID, scope: scope, prefix: prefix, now: now))
                ORDER BY updated_at DESC, id DESC LIMIT \(limit)
                """ as SQLFragment).sqlite
            return try Row.fetchAll(db.cachedStatement(sql: statement.sql), arguments: statement.arguments).map(SQLiteRow.memory)
        }
    }

    public func deleteMemory(agentID: String, key: String, scope: MemoryScope, now: Double) async throws -> Bool {
        try await write { db in
            let statement = ("DELETE FROM agent_memory WHERE \(MemoryRules.entry(agentID: agentID, key: key, scope: scope, now: now))" as SQLFragment).sqlite
            try db.cachedStatement(sql: statement.sql).execute(arguments: statement.arguments)
            return db.changesCount > 0
        }
    }

    public func deleteExpiredMemory(now: Double, limit: Int) async throws -> [MemoryEntry] {
        try await write { db in
            let select = ("""
                SELECT \(raw: SQLiteRow.memoryColumns), id FROM agent_memory
                WHERE \(MemoryRules.expired(now: now)) ORDER BY expires_at LIMIT \(limit)
                """ as SQLFragment).sqlite
            let rows = try Row.fetchAll(db.cachedStatement(sql: select.sql), arguments: select.arguments)
            var expired: [MemoryEntry] = []
            let delete = try db.cachedStatement(sql: "DELETE FROM agent_memory WHERE id = ?")
            for row in rows {
                expired.append(try SQLiteRow.memory(row))
                try delete.execute(arguments: [row[8] as DatabaseValue])
            }
            return expired
        }
    }
}
