public import SCSCore

/// A Streamable HTTP MCP session (stored, so a restarted supervisor keeps serving it).
public struct MCPSessionRecord: Sendable, Hashable {
    public var id: String
    public var protocolVersion: String
    /// `TokenDigest.of` the `sct_` token of the agent last authenticated on this MCP session, if any.
    public var boundTokenDigest: String?
    public var createdAt: Double
    public var lastSeen: Double

    public init(id: String, protocolVersion: String, boundTokenDigest: String? = nil, createdAt: Double, lastSeen: Double) {
        self.id = id
        self.protocolVersion = protocolVersion
        self.boundTokenDigest = boundTokenDigest
        self.createdAt = createdAt
        self.lastSeen = lastSeen
    }
}

/// An agent's latest authenticated call on a session.
public struct AgentActivity: Sendable, Hashable {
    public var agentID: String
    public var agentType: String
    public var lastSeen: Double

    public init(agentID: String, agentType: String, lastSeen: Double) {
        self.agentID = agentID
        self.agentType = agentType
        self.lastSeen = lastSeen
    }
}

public protocol MCPSessionStore: Sendable {
    func createMCPSession(_ record: MCPSessionRecord) async throws
    func mcpSession(id: String) async throws -> MCPSessionRecord?
    /// Updates `last_seen`, and the bound token's digest when `boundTokenDigest` is non-nil
    /// (`.some(nil)` unbinds).
    func touchMCPSession(id: String, lastSeen: Double, boundTokenDigest: String??) async throws
    func deleteMCPSession(id: String) async throws -> Bool
    /// Deletes sessions last seen before their cutoff (bound to a token or not); returns their ids.
    func deleteIdleMCPSessions(boundBefore: Double, unboundBefore: Double) async throws -> [String]
    func countMCPSessions() async throws -> Int
}

public protocol ActivityStore: Sendable {
    /// Records the call; nothing is written when the session does not exist.
    func recordActivity(sessionID: String, agentID: String, agentType: String, at time: Double) async throws
    /// Agents seen on the session at or after `since`, most recent first.
    func activeAgents(sessionID: String, since: Double) async throws -> [AgentActivity]
    /// Purges rows last seen before `cutoff` (longer ago than any window get_active_agents takes).
    func deleteActivity(before cutoff: Double) async throws -> Int
    /// Per sender, the messages at or after `since` that `reader` may see.
    func visibleMessageCounts(sessionID: String, since: Double, reader: AgentIdentity) async throws -> [String: Int]
}
