// What the memory worker is asked: the domain types the supervisor sends over the wire (SCSWire
// adds the coding) and the tools see through `MemoryBackend`.

/// Which scopes a memory listing covers.
public enum MemoryScopeFilter: Sendable, Hashable {
    case global
    case session(String)
    case all

    /// list_memory's `session_id` argument: absent or null for global, `"all"` for every scope,
    /// else that session.
    public init(argument: String?) {
        switch argument {
        case nil: self = .global
        case "all"?: self = .all
        case let id?: self = .session(id)
        }
    }
}

/// A `set_memory` call. `expiresIn` is seconds as the client sent them (an integer or a numeric
/// string; 0 or nil = permanent); the memory service judges it.
public struct MemorySetRequest: Sendable {
    public var agent: AgentIdentity
    public var key: String
    public var value: JSONValue
    public var sessionID: String?
    public var expiresIn: JSONValue?
    public var metadata: JSONObject?
    public var overwrite: Bool

    public init(
        agent: AgentIdentity, key: String, value: JSONValue, sessionID: String? = nil, expiresIn: JSONValue? = nil,
        metadata: JSONObject? = nil, overwrite: Bool = true
    ) {
        self.agent = agent
        self.key = key
        self.value = value
        self.sessionID = sessionID
        self.expiresIn = expiresIn
        self.metadata = metadata
        self.overwrite = overwrite
    }
}

/// One memory entry of the caller: get_memory and delete_memory.
public struct MemoryEntryRequest: Sendable {
    public var agent: AgentIdentity
    public var key: String
    public var sessionID: String?

    public init(agent: AgentIdentity, key: String, sessionID: String?) {
        self.agent = agent
        self.key = key
        self.sessionID = sessionID
    }
}

/// The caller's live entries in `scope` whose key starts with `prefix`.
public struct MemoryListRequest: Sendable {
    public var agent: AgentIdentity
    public var scope: MemoryScopeFilter
    public var prefix: String?
    public var limit: Int
    /// Ship each entry's value (the agent memory resource); list_memory ships only sizes.
    public var includeValues: Bool

    public init(agent: AgentIdentity, scope: MemoryScopeFilter, prefix: String? = nil, limit: Int, includeValues: Bool = false) {
        self.agent = agent
        self.scope = scope
        self.prefix = prefix
        self.limit = limit
        self.includeValues = includeValues
    }
}
