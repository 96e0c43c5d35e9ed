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
    /// Values longer than this many characters come back cut to it (as text), so a page of
    /// entries is bounded whatever they hold; nil: whole values.
    public var previewCharacters: Int?

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
    /// With `previewCharacters`: each entry's stored value length in characters (an entry whose
    /// length exceeds the preview holds only its first characters, as text).
    public var valueLengths: [Int]

    public init(entries: [MemoryEntry], totalCount: Int, valueLengths: [Int] = []) {
        self.entries = entries
        self.totalCount = totalCount
        self.valueLengths = valueLengths
    }

    /// The stored value's length when the entry at `index` holds only a preview of it.
    public func cutLength(at index: Int, preview: Int?) -> Int? {
        guard let preview, index < valueLengths.count, valueLengths[index] > preview else { return nil }
        return valueLengths[index]
    }
}

/// The value column as a browse selects it: cut to `preview` characters when that is set.
public enum MemoryPreviewSQL {
    public static func valueColumn(_ preview: Int?) -> String {
        guard let preview else { return "value" }
        return "CASE WHEN length(value) > \(preview) THEN substr(value, 1, \(preview)) ELSE value END"
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
