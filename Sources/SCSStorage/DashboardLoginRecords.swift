/// A signed-in dashboard user, stored so that the cookie (which only names it) works across
/// restarts and nodes, and so that logging out, an expiry or a revoked token really ends it.
public struct DashboardLogin: Sendable, Hashable {
    public enum Principal: String, Sendable, Hashable {
        /// Signed in with the operator password: the admin view.
        case admin
        /// Signed in with an agent's `sct_` token: sees what that agent may see.
        case agent
    }

    public var id: String
    public var principal: Principal
    /// The agent (for `.agent`).
    public var agentID: String?
    /// `TokenDigest.of` the agent's token (for `.agent`): revoking the token ends the login.
    public var tokenDigest: String?
    public var createdAt: Double
    public var expiresAt: Double

    public init(id: String, principal: Principal, agentID: String? = nil, tokenDigest: String? = nil, createdAt: Double, expiresAt: Double) {
        self.id = id
        self.principal = principal
        self.agentID = agentID
        self.tokenDigest = tokenDigest
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

public protocol DashboardLoginStore: Sendable {
    func createDashboardLogin(_ login: DashboardLogin) async throws
    /// The login, when it exists and expires after `now`.
    func dashboardLogin(id: String, now: Double) async throws -> DashboardLogin?
    /// Logout: false when it was already gone.
    func deleteDashboardLogin(id: String) async throws -> Bool
    /// Ends every login made with the token whose digest this is; the ids ended.
    func deleteDashboardLogins(tokenDigest: String) async throws -> [String]
    func deleteExpiredDashboardLogins(now: Double) async throws -> Int
    /// Sliding renewal: moves a live login's expiry later (never earlier); false when it is gone.
    func renewDashboardLogin(id: String, expiresAt: Double, now: Double) async throws -> Bool
    /// "Sign out everywhere": ends every login; the ids ended.
    func deleteAllDashboardLogins() async throws -> [String]
}
