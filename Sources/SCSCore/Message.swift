/// A message in a session. `id` is global and increases in commit order.
public struct Message: Sendable, Hashable {
    public var id: Int64
    public var sessionID: String
    public var sender: String
    public var senderType: String
    public var content: String
    public var visibility: Visibility
    public var messageType: String
    public var metadata: JSONObject?
    /// Unix seconds; non-decreasing with `id`.
    public var timestamp: Double
    public var parentMessageID: Int64?

    public init(
        id: Int64, sessionID: String, sender: String, senderType: String, content: String,
        visibility: Visibility, messageType: String = Message.defaultType, metadata: JSONObject? = nil,
        timestamp: Double, parentMessageID: Int64? = nil
    ) {
        self.id = id
        self.sessionID = sessionID
        self.sender = sender
        self.senderType = senderType
        self.content = content
        self.visibility = visibility
        self.messageType = messageType
        self.metadata = metadata
        self.timestamp = timestamp
        self.parentMessageID = parentMessageID
    }

    /// The column default the Python server leaves in every row.
    public static let defaultType = "agent_response"

    /// Largest content, counted in Unicode scalars (as Python and SQLite `length()` count).
    public static let maxContentLength = 100_000

    /// Bytes a message adds to a JSON answer besides its content and metadata (ids, names,
    /// keys, timestamp), rounded up: used to keep pages within the result budget.
    public static let rowOverhead = 512

    /// About how many bytes this message takes in a JSON answer.
    public var estimatedJSONBytes: Int {
        content.utf8.count + sender.utf8.count + senderType.utf8.count + (metadata.map { JSONValue.object($0).compactBytes.count } ?? 0)
            + Self.rowOverhead
    }

    public func isVisible(to reader: AgentIdentity) -> Bool {
        visibility.isVisible(to: reader, sender: sender, senderType: senderType)
    }
}
