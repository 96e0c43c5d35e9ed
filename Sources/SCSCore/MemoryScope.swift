/// Where a memory entry lives: one global namespace per agent, or one per (agent, session).
public enum MemoryScope: Sendable, Hashable {
    case global
    case session(String)

    /// `nil` for global, the session id otherwise (the `session_id` column).
    public var sessionID: String? {
        switch self {
        case .global: return nil
        case .session(let id): return id
        }
    }

    public init(sessionID: String?) {
        self = sessionID.map(MemoryScope.session) ?? .global
    }

    /// `"global"` or `"session"`, as results name it.
    public var name: String { sessionID == nil ? "global" : "session" }
}
