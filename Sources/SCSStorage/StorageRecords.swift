public import SCSCore

/// A session to create.
public struct NewSession: Sendable {
    public var id: String
    public var purpose: String
    public var createdBy: String
    public var metadata: JSONObject?
    public var createdAt: Double

    public init(id: String = Session.newID(), purpose: String, createdBy: String, metadata: JSONObject? = nil, createdAt: Double) {
        self.id = id
        self.purpose = purpose
        self.createdBy = createdBy
        self.metadata = metadata
        self.createdAt = createdAt
    }
}

/// A message to append. `timestamp` is the proposed time; the store raises it if needed so that
/// timestamps never decrease with id.
public struct NewMessage: Sendable {
    public var sessionID: String
    public var sender: String
    public var senderType: String
    public var content: String
    public var visibility: Visibility
    public var metadata: JSONObject?
    public var parentMessageID: Int64?
    public var timestamp: Double

    public init(
        sessionID: String, sender: String, senderType: String, content: String, visibility: Visibility = .public,
        metadata: JSONObject? = nil, parentMessageID: Int64? = nil, timestamp: Double
    ) {
        self.sessionID = sessionID
        self.sender = sender
        self.senderType = senderType
        self.content = content
        self.visibility = visibility
        self.metadata = metadata
        self.parentMessageID = parentMessageID
        self.timestamp = timestamp
    }
}

/// Which messages of one session to read, always after the reader's visibility rules.
public struct MessageQuery: Sendable {
    public enum Order: Sendable { case ascending, descending }

    public var sessionID: String
    /// Narrows to one visibility (never widens what the reader may see).
    public var visibility: Visibility?
    /// Exact, case-sensitive sender.
    public var sender: String?
    /// Inclusive time bounds, unix seconds.
    public var since: Double?
    public var until: Double?
    /// Only messages with a greater id.
    public var afterID: Int64?
    /// Only messages with a smaller id (the dashboard's older pages).
    public var beforeID: Int64?
    public var order: Order
    public var limit: Int
    public var offset: Int
    /// Also count every matching message (without limit/offset).
    public var countTotal: Bool
    /// Stop reading once the page's messages hold about this many bytes (content and metadata);
    /// the first message is always read. Bounds what one answer can pull into memory.
    public var maxBytes: Int?

    public init(
        sessionID: String, visibility: Visibility? = nil, sender: String? = nil, since: Double? = nil,
        until: Double? = nil, afterID: Int64? = nil, order: Order = .ascending, limit: Int = 50, offset: Int = 0,
        countTotal: Bool = false, maxBytes: Int? = nil
    ) {
        self.maxBytes = maxBytes
        self.sessionID = sessionID
        self.visibility = visibility
        self.sender = sender
        self.since = since
        self.until = until
        self.afterID = afterID
        self.order = order
        self.limit = limit
        self.offset = offset
        self.countTotal = countTotal
    }
}

/// A page of messages; `totalCount` is set when the query asked for it.
public struct MessagePage: Sendable {
    public var messages: [Message]
    public var totalCount: Int?
    /// The query's `maxBytes` ended the page before its limit (more messages match).
    public var truncated: Bool

    public init(messages: [Message], totalCount: Int? = nil, truncated: Bool = false) {
        self.messages = messages
        self.totalCount = totalCount
        self.truncated = truncated
    }
}

/// Which sessions to list.
public struct SessionListQuery: Sendable {
    public var activeOnly: Bool
    public var createdBy: String?
    /// Only sessions whose id or purpose contains this text (case-insensitive, literal).
    public var search: String?
    /// Fill `SessionSummary.participants` (the dashboard's list; list_sessions does not).
    public var withParticipants = false
    public var limit: Int
    public var offset: Int

    public init(activeOnly: Bool = true, createdBy: String? = nil, search: String? = nil, limit: Int = 50, offset: Int = 0) {
        self.activeOnly = activeOnly
        self.createdBy = createdBy
        self.search = search
        self.limit = limit
        self.offset = offset
    }
}

/// A listed session with the activity the reader may see.
public struct SessionSummary: Sendable {
    public var session: Session
    /// Messages the reader may see.
    public var messageCount: Int
    /// Timestamp of the newest message the reader may see, else `createdAt`.
    public var lastActivity: Double
    /// Senders of messages the reader may see (at most `SessionSummary.maxParticipants`), when asked.
    public var participants: [String] = []
    public static let maxParticipants = 12

    public init(session: Session, messageCount: Int, lastActivity: Double) {
        self.session = session
        self.messageCount = messageCount
        self.lastActivity = lastActivity
    }
}

public struct SessionListPage: Sendable {
    public var sessions: [SessionSummary]
    public var totalCount: Int

    public init(sessions: [SessionSummary], totalCount: Int) {
        self.sessions = sessions
        self.totalCount = totalCount
    }
}

/// What changed in a session since an index last looked (see `MessageStore.searchDelta`).
public struct SearchDelta: Sendable {
    /// New messages, oldest first.
    public var messages: [Message]
    /// Current rows of messages whose visibility changed.
    public var changed: [Message]
    /// The newest change id seen (the cursor for the next call).
    public var lastChangeID: Int64

    public init(messages: [Message], changed: [Message], lastChangeID: Int64) {
        self.messages = messages
        self.changed = changed
        self.lastChangeID = lastChangeID
    }
}
