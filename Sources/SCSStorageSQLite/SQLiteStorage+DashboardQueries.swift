import GRDB
import SCSCore
public import SCSStorage

extension SQLiteStorage {
    public func browseMemory(_ query: MemoryBrowseQuery, now: Double) async throws -> MemoryBrowsePage {
        try await read { db in
            var conditions = ["(expires_at IS NULL OR expires_at > ?)"]
            var arguments: [any DatabaseValueConvertible] = [now]
            if let agentID = query.agentID {
                conditions.append("agent_id = ?")
                arguments.append(agentID)
            }
            Self.scopeCondition(query.scope, into: &conditions, &arguments)
            if query.scope == .all, query.sessionsOnly { conditions.append("session_id IS NOT NULL") }
            let whereSQL = conditions.joined(separator: " AND ")
            let columns = "agent_id, session_id, key, \(MemoryPreviewSQL.valueColumn(query.previewCharacters)), metadata, created_at, updated_at, expires_at"
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(columns), length(value) FROM agent_memory WHERE \(whereSQL) ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [query.limit, query.offset]))
            let entries = try rows.map(SQLiteRow.memory)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agent_memory WHERE \(whereSQL)", arguments: StatementArguments(arguments)) ?? 0
            return MemoryBrowsePage(entries: entries, totalCount: total, valueLengths: rows.map { Int.fromDatabaseValue($0[8]) ?? 0 })
        }
    }

    public func recentActivity(limit: Int) async throws -> [SessionActivity] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT session_id, agent_id, agent_type, last_seen FROM agent_activity ORDER BY last_seen DESC LIMIT ?"),
                arguments: [limit]
            ).map {
                SessionActivity(
                    sessionID: SQLiteRow.string($0[0]) ?? "",
                    activity: AgentActivity(agentID: SQLiteRow.string($0[1]) ?? "", agentType: SQLiteRow.string($0[2]) ?? "", lastSeen: SQLiteRow.time($0[3]) ?? 0))
            }
        }
    }
}
