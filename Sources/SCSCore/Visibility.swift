/// Who may read a message (docs/CONTRACT.md §4).
public enum Visibility: String, Sendable, CaseIterable, Hashable {
    /// Everyone, anonymous callers included.
    case `public`
    /// The sender and admins.
    case `private`
    /// The sender, agents of the same `agent_type` as the sender, and admins.
    case agentOnly = "agent_only"
    /// Admins only (only admins may write it).
    case adminOnly = "admin_only"

    /// The four values in the order the Python server lists them in errors.
    public static let allowedValues: [String] = allCases.map(\.rawValue)

    /// Whether `reader` may see a message with this visibility sent by `sender` (of `senderType`).
    /// The SQL of every storage driver applies exactly this rule; this form serves in-memory paths
    /// (search index, live notifications) and tests.
    public func isVisible(to reader: AgentIdentity, sender: String, senderType: String) -> Bool {
        isVisible(to: reader, sender: sender, foldedSenderType: AgentIdentity.fold(senderType))
    }

    /// The same rule for a caller that keeps the sender's type already folded
    /// (`AgentIdentity.fold`). Public messages are decided first, reading nothing else: the search
    /// scan asks this for every message. The sender is read only for private and agent_only
    /// messages, the sender type only for agent_only ones.
    public func isVisible(
        to reader: AgentIdentity, sender: @autoclosure () -> String, foldedSenderType: @autoclosure () -> String
    ) -> Bool {
        switch self {
        case .public: return true
        case .private: return reader.isAdmin || sender() == reader.agentID
        case .agentOnly: return reader.isAdmin || sender() == reader.agentID || foldedSenderType() == reader.foldedAgentType
        case .adminOnly: return reader.isAdmin
        }
    }
}
