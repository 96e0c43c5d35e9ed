public import SCSCore

/// A committed change that something live may want to hear of: long-polls, MCP resource
/// subscriptions and dashboard WebSockets all learn of changes from these, published once by
/// the code that made the change (docs/ARCHITECTURE.md, "Live events").
public enum LiveEvent: Sendable {
    /// A message was added to its session.
    case messageAdded(Message)
    /// A message's visibility changed from `previous` (the message carries the new one).
    case visibilityChanged(Message, previous: Visibility)
    /// One of `agentID`'s memory entries was written (`entry` set) or deleted or expired (nil).
    case memoryChanged(MemoryChange)
    /// A session was closed.
    case sessionClosed(sessionID: String, at: Double)
    /// A token was revoked: anything signed in with it ends (by the token's digest).
    case tokenRevoked(digest: String)
    /// A dashboard login was ended (logout): its sockets close.
    case loginEnded(id: String)

    /// The session the event belongs to, when it belongs to one.
    public var sessionID: String? {
        switch self {
        case .messageAdded(let message), .visibilityChanged(let message, _): message.sessionID
        case .memoryChanged(let change): change.scope.sessionID
        case .sessionClosed(let id, _): id
        case .tokenRevoked, .loginEnded: nil
        }
    }
}

/// A memory entry written, deleted or expired.
public struct MemoryChange: Sendable {
    public enum Kind: String, Sendable { case set, deleted, expired }

    public var kind: Kind
    public var agentID: String
    public var key: String
    public var scope: MemoryScope
    /// The entry as written (nil when deleted or expired).
    public var entry: MemoryEntry?
    public var at: Double

    public init(kind: Kind, agentID: String, key: String, scope: MemoryScope, entry: MemoryEntry? = nil, at: Double) {
        self.kind = kind
        self.agentID = agentID
        self.key = key
        self.scope = scope
        self.entry = entry
        self.at = at
    }
}
