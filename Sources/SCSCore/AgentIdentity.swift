/// The authenticated (or anonymous) caller of a tool. Workers receive it with each request.
public struct AgentIdentity: Sendable, Hashable {
    public var agentID: String
    public var agentType: String
    public var permissions: [Permission]
    /// False for the anonymous read-only identity.
    public var authenticated: Bool

    public init(agentID: String, agentType: String, permissions: [Permission], authenticated: Bool = true) {
        self.agentID = agentID
        self.agentType = agentType
        self.permissions = permissions
        self.authenticated = authenticated
    }

    public func has(_ permission: Permission) -> Bool { permissions.contains(permission) }

    public var isAdmin: Bool { has(.admin) }
    public var canWrite: Bool { has(.write) }

    /// The anonymous identity: `agent_<first 8 chars of the MCP session id>`, type `generic`, read only.
    public static func anonymous(mcpSessionID: String) -> AgentIdentity {
        let suffix = String(mcpSessionID.filter { $0 != "-" }.prefix(8))
        return AgentIdentity(agentID: "agent_\(suffix)", agentType: "generic", permissions: [.read], authenticated: false)
    }

    /// The id the dashboard's operator posts as. Agent ids starting with `reservedPrefix` are
    /// refused by `authenticate_agent`, so no agent can claim it.
    public static let reservedPrefix = "dashboard:"
    public static let reservedOperatorID = reservedPrefix + "operator"

    /// Whether an agent may not claim `agentID` (it names a principal of the server itself).
    public static func isReserved(_ agentID: String) -> Bool {
        fold(TextSanitizer.trimmed(agentID)).hasPrefix(reservedPrefix)
    }

    /// The `permissions` array as strings.
    public var permissionNames: [String] { permissions.map(\.rawValue) }
}

extension AgentIdentity {
    /// `agentType` folded the way every storage driver compares agent types (ASCII
    /// case-insensitive, matching SQL `lower()`).
    public var foldedAgentType: String { AgentIdentity.fold(agentType) }

    /// ASCII lower-casing (SQL `lower()` folds ASCII only, so in-memory checks must too).
    public static func fold(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
