import GRDB
import SCSCore
public import SCSStorage

extension SQLiteStorage {
    public func browseMemory(_ query: MemoryBrowseQuery, now: Double) async throws -> MemoryBrowsePage {
        try await read { db in
            let filter = MemoryRules.browse(query, now: now)
            let columns = "agent_id, session_id, key, \(MemoryPreviewSQL.valueColumn(query.previewCharacters)), metadata, created_at, updated_at, expires_at"
            let page = ("""
                SELECT \(raw: columns), length(value) FROM agent_memory WHERE \(filter)
                ORDER BY updated_at DESC, id DESC LIMIT \(query.limit) OFFSET \(query.offset)
                """ as SQLFragment).sqlite
            let rows = try Row.fetchAll(db, sql: page.sql, arguments: page.arguments)
            let entries = try rows.map(SQLiteRow.memory)
            let count = ("SELECT COUNT(*) FROM agent_memory WHERE \(filter)" as SQLFragment).sqlite
            let total = try Int.fetchOne(db, sql: count.sql, arguments: count.arguments) ?? 0
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
