public import SCSCore

/// Which memory entries the dashboard's memory pages list.
public struct MemoryBrowseQuery: Sendable {
    /// The owner; nil lists every agent's (the admin view).
    public var agentID: String?
    public var scope: MemoryScopeFilter
    /// With `.all`: only session-scoped entries.
    public var sessionsOnly = false
    public var limit: Int
    public var offset: Int

    public init(agentID: String?, scope: MemoryScopeFilter = .all, limit: Int = 50, offset: Int = 0) {
        self.agentID = agentID
        self.scope = scope
        self.limit = limit
        self.offset = offset
    }
}

/// A page of live (unexpired) memory entries and how many match in all.
public struct MemoryBrowsePage: Sendable {
    public var entries: [MemoryEntry]
    public var totalCount: Int

    public init(entries: [MemoryEntry], totalCount: Int) {
        self.entries = entries
        self.totalCount = totalCount
    }
}

/// An agent's last call on one session.
public struct SessionActivity: Sendable, Hashable {
    public var sessionID: String
    public var activity: AgentActivity

    public init(sessionID: String, activity: AgentActivity) {
        self.sessionID = sessionID
        self.activity = activity
    }
}

/// The reads behind the dashboard's pages that no tool makes.
public protocol DashboardQueryStore: Sendable {
    /// Unexpired entries, newest first; values included (the page shows a preview and a viewer).
    func browseMemory(_ query: MemoryBrowseQuery, now: Double) async throws -> MemoryBrowsePage
    /// The most recent (agent, session) activity rows, newest first.
    func recentActivity(limit: Int) async throws -> [SessionActivity]
}
