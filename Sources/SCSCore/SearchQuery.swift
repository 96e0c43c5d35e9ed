// What a search asks and answers: the search workers' domain types. The supervisor sends them
// over the wire (SCSWire adds the coding) and the tools see them through `SearchBackend`.

/// `search_scope` of search_context; it only narrows what the caller may see.
public enum SearchScope: String, Sendable, CaseIterable {
    case all, `public`, `private`
}

/// One search over one session, on behalf of an already authenticated caller.
public struct SearchQuery: Sendable {
    public var sessionID: String
    public var query: String
    public var reader: AgentIdentity
    /// Minimum score, 0–100 (default 60).
    public var threshold: Double
    /// Most results returned (default 10).
    public var limit: Int
    /// Include truthy scalar metadata values in the searched text (default true).
    public var searchMetadata: Bool
    public var scope: SearchScope

    public init(
        sessionID: String, query: String, reader: AgentIdentity, threshold: Double = 60, limit: Int = 10,
        searchMetadata: Bool = true, scope: SearchScope = .all
    ) {
        self.sessionID = sessionID
        self.query = query
        self.reader = reader
        self.threshold = threshold
        self.limit = limit
        self.searchMetadata = searchMetadata
        self.scope = scope
    }
}

/// A matching message and its score (full precision; round for display).
public struct SearchHit: Sendable {
    public var message: Message
    public var score: Double

    public init(message: Message, score: Double) {
        self.message = message
        self.score = score
    }
}

/// Hits, best first (equal scores: newest first), and how many messages were candidates.
public struct SearchOutcome: Sendable {
    public var hits: [SearchHit]
    /// Messages the caller could see in scope (the candidates scored).
    public var candidates: Int
    /// Fewer hits than found, so that the answer fits in one wire frame.
    public var truncated: Bool

    public init(hits: [SearchHit], candidates: Int, truncated: Bool = false) {
        self.hits = hits
        self.candidates = candidates
        self.truncated = truncated
    }
}
