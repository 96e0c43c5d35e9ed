/// An agent the operator registered (`scs agents add`): its key (`sca_…`, kept only as its digest)
/// is its identity, so it cannot be claimed by anyone else (README, "Security").
public struct RegisteredAgent: Sendable, Hashable {
    public var agentID: String
    public var agentType: String
    /// Permission names (read, write, admin, debug), never more than the type allows.
    public var permissions: [String]
    /// `TokenDigest.of` the agent's current key.
    public var keyDigest: String
    public var createdAt: Double
    /// When the current key was issued (`rotate` replaces it).
    public var keyCreatedAt: Double
    /// Set by `revoke`: the key opens nothing any more.
    public var revokedAt: Double?

    public init(
        agentID: String, agentType: String, permissions: [String], keyDigest: String, createdAt: Double, keyCreatedAt: Double,
        revokedAt: Double? = nil
    ) {
        self.agentID = agentID
        self.agentType = agentType
        self.permissions = permissions
        self.keyDigest = keyDigest
        self.createdAt = createdAt
        self.keyCreatedAt = keyCreatedAt
        self.revokedAt = revokedAt
    }
}

/// An agent id found in the database (messages it sent, sessions it called on), for moving to
/// verified identity (`scs agents seen`).
public struct SeenAgent: Sendable, Hashable {
    public var agentID: String
    public var agentType: String
    public var lastSeen: Double

    public init(agentID: String, agentType: String, lastSeen: Double) {
        self.agentID = agentID
        self.agentType = agentType
        self.lastSeen = lastSeen
    }
}

public protocol RegisteredAgentStore: Sendable {
    /// Registers an agent; `AGENT_EXISTS`-like invalid input when the id is taken.
    func registerAgent(_ agent: RegisteredAgent) async throws
    func registeredAgent(id: String) async throws -> RegisteredAgent?
    /// The agent whose current key has this digest (revoked or not: the caller checks).
    func registeredAgent(keyDigest: String) async throws -> RegisteredAgent?
    /// Every registered agent, by id.
    func registeredAgents() async throws -> [RegisteredAgent]
    /// Gives the agent a new key (the old one stops working); false when it is unknown or revoked.
    func replaceAgentKey(agentID: String, keyDigest: String, at time: Double) async throws -> Bool
    /// Revokes the agent's key; false when it is unknown or already revoked.
    func revokeAgent(agentID: String, at time: Double) async throws -> Bool
    /// Forgets the agent; false when it is unknown.
    func removeAgent(agentID: String) async throws -> Bool
    /// Agent ids and types found in messages and activity, most recently seen first.
    func seenAgents(limit: Int) async throws -> [SeenAgent]
}

/// The registered agents' queries both drivers run.
public enum RegisteredAgentRules {
    public static let columns = "agent_id, agent_type, permissions, key_digest, created_at, key_created_at, revoked_at"

    /// Distinct (agent id, type) pairs from messages and activity, most recently seen first.
    public static func seen(limit: Int) -> SQLFragment {
        """
        SELECT agent_id, agent_type, MAX(last_seen) AS last_seen FROM (
            SELECT sender AS agent_id, sender_type AS agent_type, MAX(timestamp) AS last_seen FROM messages GROUP BY sender, sender_type
            UNION ALL
            SELECT agent_id, agent_type, MAX(last_seen) AS last_seen FROM agent_activity GROUP BY agent_id, agent_type
        ) seen GROUP BY agent_id, agent_type ORDER BY MAX(last_seen) DESC, agent_id LIMIT \(limit)
        """
    }

    /// Permission names as stored (comma-separated).
    public static func stored(_ permissions: [String]) -> String { permissions.joined(separator: ",") }

    public static func permissions(_ stored: String) -> [String] { stored.split(separator: ",").map(String.init) }
}
