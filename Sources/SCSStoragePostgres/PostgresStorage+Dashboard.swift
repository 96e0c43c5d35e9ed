import PostgresNIO
import SCSCore
public import SCSStorage

extension PostgresStorage: DashboardLoginStore {
    public func createDashboardLogin(_ login: DashboardLogin) async throws {
        try await run(
            """
            INSERT INTO dashboard_logins (id, principal, agent_id, token_digest, created_at, expires_at)
            VALUES (\(login.id), \(login.principal.rawValue), \(login.agentID), \(login.tokenDigest), \(login.createdAt), \(login.expiresAt))
            """)
    }

    public func dashboardLogin(id: String, now: Double) async throws -> DashboardLogin? {
        guard let row = try await run(
            "SELECT principal, agent_id, token_digest, created_at, expires_at FROM dashboard_logins WHERE id = \(id) AND expires_at > \(now)"
        ).first else { return nil }
        let (principal, agentID, digest, createdAt, expiresAt) = try row.decode((String, String?, String?, Double, Double).self)
        guard let principal = DashboardLogin.Principal(rawValue: principal) else { return nil }
        return DashboardLogin(id: id, principal: principal, agentID: agentID, tokenDigest: digest, createdAt: createdAt, expiresAt: expiresAt)
    }

    public func deleteDashboardLogin(id: String) async throws -> Bool {
        !(try await run("DELETE FROM dashboard_logins WHERE id = \(id) RETURNING id")).isEmpty
    }

    public func deleteDashboardLogins(tokenDigest: String) async throws -> [String] {
        try await run("DELETE FROM dashboard_logins WHERE token_digest = \(tokenDigest) RETURNING id").map { try $0.decode(String.self) }
    }

    public func deleteExpiredDashboardLogins(now: Double) async throws -> Int {
        try await run("DELETE FROM dashboard_logins WHERE expires_at <= \(now) RETURNING id").count
    }

    public func renewDashboardLogin(id: String, expiresAt: Double, now: Double) async throws -> Bool {
        !(try await run(
            "UPDATE dashboard_logins SET expires_at = GREATEST(expires_at, \(expiresAt)) WHERE id = \(id) AND expires_at > \(now) RETURNING id"
        )).isEmpty
    }

    public func deleteAllDashboardLogins() async throws -> [String] {
        try await run("DELETE FROM dashboard_logins RETURNING id").map { try $0.decode(String.self) }
    }
}

extension PostgresStorage: DashboardQueryStore {
    public func browseMemory(_ query: MemoryBrowseQuery, now: Double) async throws -> MemoryBrowsePage {
        var page = StatementBuilder()
        var count = StatementBuilder()
        func conditions(_ builder: inout StatementBuilder) -> String { builder.append(MemoryRules.browse(query, now: now)) }
        let columns =
            "agent_id, session_id, key, \(MemoryPreviewSQL.valueColumn(query.previewCharacters)), metadata::text, created_at, updated_at, expires_at"
        page.sql = """
            SELECT \(columns), length(value) FROM agent_memory WHERE \(conditions(&page))
            ORDER BY updated_at DESC, id DESC LIMIT \(page.bind(Int64(query.limit))) OFFSET \(page.bind(Int64(query.offset)))
            """
        count.sql = "SELECT COUNT(*) FROM agent_memory WHERE \(conditions(&count))"
        var lengths: [Int] = []
        let entries = try await run(page.query).map { row in
            let (agentID, sessionID, key, value, metadata, createdAt, updatedAt, expiresAt, length) = try row.decode(
                (String, String?, String, String, String?, Double?, Double?, Double?, Int32).self)
            lengths.append(Int(length))
            return PostgresRows.memory((agentID, sessionID, key, value, metadata, createdAt, updatedAt, expiresAt))
        }
        let total = try await run(count.query).first?.decode(Int64.self) ?? 0
        return MemoryBrowsePage(entries: entries, totalCount: Int(total), valueLengths: lengths)
    }

    public func recentActivity(limit: Int) async throws -> [SessionActivity] {
        try await run(
            "SELECT session_id, agent_id, agent_type, last_seen FROM agent_activity ORDER BY last_seen DESC LIMIT \(Int64(limit))"
        ).map { row in
            let (sessionID, agentID, agentType, lastSeen) = try row.decode((String, String, String, Double).self)
            return SessionActivity(sessionID: sessionID, activity: AgentActivity(agentID: agentID, agentType: agentType, lastSeen: lastSeen))
        }
    }
}

extension PostgresStorage: Storage {}
