import Foundation
public import SCSCore

/// Which messages a reader sees and how a page of them is chosen: the one home of the visibility
/// rule (docs/CONTRACT.md §4) and of the message filters, for every driver.
public enum MessageRules {
    /// The visibility rule over `messages` columns (of `alias`, when given): an admin sees every
    /// row; others see public rows, their own private rows, and agent-only rows they sent or
    /// whose sender's agent type equals theirs (case-insensitively).
    public static func visible(to reader: AgentIdentity, alias: String = "") -> SQLFragment {
        guard !reader.isAdmin else { return "TRUE" }
        let p = alias.isEmpty ? "" : alias + "."
        return """
            \(raw: p)visibility = 'public' OR (\(raw: p)visibility = 'private' AND \(raw: p)sender = \(reader.agentID)) \
            OR (\(raw: p)visibility = 'agent_only' AND (\(raw: p)sender = \(reader.agentID) OR lower(\(raw: p)sender_type) = \(reader.foldedAgentType)))
            """
    }

    /// The query's narrowing filters (sender, time range, id range), each a condition.
    public static func filters(_ query: MessageQuery) -> [SQLFragment] {
        var conditions: [SQLFragment] = []
        if let sender = query.sender { conditions.append("sender = \(sender)") }
        if let since = query.since { conditions.append("timestamp >= \(since)") }
        if let until = query.until { conditions.append("timestamp <= \(until)") }
        if let afterID = query.afterID { conditions.append("id > \(afterID)") }
        if let beforeID = query.beforeID { conditions.append("id < \(beforeID)") }
        return conditions
    }

    /// `WHERE … ORDER BY id … LIMIT … OFFSET …` of one page of `query` as `reader` sees it.
    public static func page(_ query: MessageQuery, reader: AgentIdentity) -> SQLFragment {
        var conditions: [SQLFragment] = ["session_id = \(query.sessionID)", visible(to: reader)]
        if let only = query.visibility { conditions.append("visibility = \(only.rawValue)") }
        conditions += filters(query)
        let order = query.order == .ascending ? "ASC" : "DESC"
        return "WHERE \(SQLFragment.all(conditions)) ORDER BY id \(raw: order) LIMIT \(query.limit) OFFSET \(query.offset)"
    }

    /// How many messages of the query's session `reader` may see under its filters: one count per
    /// visibility value, so that each is a range of `idx_messages_visibility_session`; without
    /// filters the public part (the common case) and an admin's whole count are lookups in
    /// `message_counts` (kept by triggers, migration 6). One count over the visibility rule would
    /// read every row of the session.
    public static func count(_ query: MessageQuery, reader: AgentIdentity) -> SQLFragment {
        let session = query.sessionID
        let filters = filters(query)
        let rest = SQLFragment.joined(filters.map { " AND (\($0))" }, separator: "")
        if reader.isAdmin {
            let only: SQLFragment = query.visibility.map { " AND visibility = \($0.rawValue)" } ?? ""
            return filters.isEmpty
                ? "SELECT CAST(COALESCE((SELECT SUM(count) FROM message_counts WHERE session_id = \(session)\(only)), 0) AS BIGINT)"
                : "SELECT COUNT(*) FROM messages WHERE session_id = \(session)\(only)\(rest)"
        }
        var parts: [SQLFragment] = []
        for visibility in Visibility.allCases where query.visibility == nil || query.visibility == visibility {
            let own: SQLFragment
            switch visibility {
            case .public: own = ""
            case .private: own = " AND sender = \(reader.agentID)"
            case .agentOnly: own = " AND (sender = \(reader.agentID) OR lower(sender_type) = \(reader.foldedAgentType))"
            case .adminOnly: continue
            }
            if visibility == .public && filters.isEmpty {
                parts.append("COALESCE((SELECT count FROM message_counts WHERE session_id = \(session) AND visibility = 'public'), 0)")
                continue
            }
            parts.append("(SELECT COUNT(*) FROM messages WHERE visibility = '\(raw: visibility.rawValue)' AND session_id = \(session)\(own)\(rest))")
        }
        return parts.isEmpty ? "SELECT 0" : "SELECT CAST(\(SQLFragment.joined(parts, separator: " + ")) AS BIGINT)"
    }
}

/// Which sessions a session list shows: the one home of its filters, for every driver.
public enum SessionRules {
    /// The list's filters over `sessions s`. `like` is the driver's case-insensitive LIKE
    /// (`LIKE` on SQLite, `ILIKE` on PostgreSQL): the search text is literal, its wildcards escaped.
    public static func filters(_ query: SessionListQuery, like: String) -> [SQLFragment] {
        var conditions: [SQLFragment] = []
        if query.activeOnly { conditions.append("s.is_active AND s.closed_at IS NULL") }
        if let createdBy = query.createdBy { conditions.append("s.created_by = \(createdBy)") }
        if let search = query.search, !search.isEmpty {
            let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append("s.id \(raw: like) \(pattern) ESCAPE '\\' OR s.purpose \(raw: like) \(pattern) ESCAPE '\\'")
        }
        return conditions
    }
}
