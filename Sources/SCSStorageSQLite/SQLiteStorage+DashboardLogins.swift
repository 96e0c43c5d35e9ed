import GRDB
public import SCSStorage

extension SQLiteStorage {
    public func createDashboardLogin(_ login: DashboardLogin) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: "INSERT INTO dashboard_logins (id, principal, agent_id, token_digest, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [login.id, login.principal.rawValue, login.agentID, login.tokenDigest, login.createdAt, login.expiresAt])
        }
    }

    public func dashboardLogin(id: String, now: Double) async throws -> DashboardLogin? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT principal, agent_id, token_digest, created_at, expires_at FROM dashboard_logins WHERE id = ? AND expires_at > ?"),
                arguments: [id, now]),
                let principal = DashboardLogin.Principal(rawValue: SQLiteRow.string(row[0]) ?? "")
            else { return nil }
            return DashboardLogin(
                id: id, principal: principal, agentID: SQLiteRow.string(row[1]), tokenDigest: SQLiteRow.string(row[2]),
                createdAt: SQLiteRow.time(row[3]) ?? 0, expiresAt: SQLiteRow.time(row[4]) ?? 0)
        }
    }

    public func deleteDashboardLogin(id: String) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM dashboard_logins WHERE id = ?").execute(arguments: [id])
            return db.changesCount > 0
        }
    }

    public func deleteDashboardLogins(tokenDigest: String) async throws -> [String] {
        try await write { db in
            try String.fetchAll(
                db.cachedStatement(sql: "DELETE FROM dashboard_logins WHERE token_digest = ? RETURNING id"), arguments: [tokenDigest])
        }
    }

    public func deleteExpiredDashboardLogins(now: Double) async throws -> Int {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM dashboard_logins WHERE expires_at <= ?").execute(arguments: [now])
            return db.changesCount
        }
    }

    public func renewDashboardLogin(id: String, expiresAt: Double, now: Double) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE dashboard_logins SET expires_at = max(expires_at, ?) WHERE id = ? AND expires_at > ?")
                .execute(arguments: [expiresAt, id, now])
            return db.changesCount > 0
        }
    }

    public func deleteAllDashboardLogins() async throws -> [String] {
        try await write { db in try String.fetchAll(db.cachedStatement(sql: "DELETE FROM dashboard_logins RETURNING id")) }
    }
}
