public import SCSCore

/// Which memory entries exist for a reader: the one home of memory's privacy (an agent's own
/// namespace, one scope) and its TTL (an expired entry is gone, whether or not the sweeper has
/// deleted it yet), for every driver.
public enum MemoryRules {
    /// Entries that have not expired at `now`.
    public static func live(now: Double) -> SQLFragment { live(column: "expires_at", at: "\(now)") }

    /// The same rule over an expiry column against a time expression (an upsert compares the
    /// stored row's expiry with the new row's time).
    public static func live(column: String, at time: SQLFragment) -> SQLFragment { "\(raw: column) IS NULL OR \(raw: column) > \(time)" }

    /// The same rule for a row already read.
    public static func isLive(expiresAt: Double?, now: Double) -> Bool { expiresAt.map { $0 > now } ?? true }

    /// Entries whose TTL has passed at `now` (what the sweeper deletes).
    public static func expired(now: Double) -> SQLFragment { "expires_at IS NOT NULL AND expires_at <= \(now)" }

    /// One agent's namespace.
    public static func owner(_ agentID: String) -> SQLFragment { "agent_id = \(agentID)" }

    /// One scope: global (no session) or one session's.
    public static func scope(_ scope: MemoryScope) -> SQLFragment {
        scope.sessionID.map { "session_id = \($0)" } ?? "session_id IS NULL"
    }

    /// A scope filter's condition (nil for `.all`).
    public static func scope(filter: MemoryScopeFilter) -> SQLFragment? {
        switch filter {
        case .global: "session_id IS NULL"
        case .session(let id): "session_id = \(id)"
        case .all: nil
        }
    }

    /// One live entry of `agentID`'s by key and scope.
    public static func entry(agentID: String, key: String, scope: MemoryScope, now: Double) -> SQLFragment {
        SQLFragment.all([owner(agentID), "key = \(key)", Self.scope(scope), live(now: now)])
    }

    /// An agent's live entries in a scope whose keys start with `prefix` (literal and
    /// case-sensitive: no LIKE, so `_` and `%` are ordinary characters).
    public static func list(agentID: String, scope filter: MemoryScopeFilter, prefix: String?, now: Double) -> SQLFragment {
        var conditions = [owner(agentID), live(now: now)]
        if let scope = scope(filter: filter) { conditions.append(scope) }
        if let prefix, !prefix.isEmpty { conditions.append("substr(key, 1, length(\(prefix))) = \(prefix)") }
        return SQLFragment.all(conditions)
    }

    /// The dashboard's browse: live entries of one agent (or every agent's, for the admin view).
    public static func browse(_ query: MemoryBrowseQuery, now: Double) -> SQLFragment {
        var conditions = [live(now: now)]
        if let agentID = query.agentID { conditions.append(owner(agentID)) }
        if let scope = scope(filter: query.scope) { conditions.append(scope) }
        if query.scope == .all, query.sessionsOnly { conditions.append("session_id IS NOT NULL") }
        return SQLFragment.all(conditions)
    }
}
