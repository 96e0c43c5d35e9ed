public import SCSCore
public import OrderedCollections

/// `health.ping`: the heartbeat. Any worker answers with its pid and in-flight count.
public enum PingMethod: WireMethod {
    public static let name = "health.ping"
    public static let role = WireRole.search
    public static let isIdempotentRead = true

    public struct Result: WireCodable, Equatable {
        public var pid: Int32
        public var inFlight: Int
        /// The worker's resident memory (0 where it cannot be read).
        public var rssBytes: Int
        /// A search worker's indexes; nil for other roles.
        public var index: SearchIndexStats?

        public init(pid: Int32, inFlight: Int, rssBytes: Int = 0, index: SearchIndexStats? = nil) {
            self.pid = pid
            self.inFlight = inFlight
            self.rssBytes = rssBytes
            self.index = index
        }

        public init(wire: JSONValue) throws(WireError) {
            // A worker of an older version sends no memory or index figures.
            let index: SearchIndexStats? = if let value = wire["index"] { try SearchIndexStats(wire: value) } else { nil }
            self.init(
                pid: Int32(truncatingIfNeeded: try wire.int("pid")), inFlight: Int(try wire.int("in_flight")),
                rssBytes: Int(wire["rss_bytes"]?.intValue ?? 0), index: index)
        }

        public var wire: JSONValue {
            var object: JSONObject = ["pid": .int(Int64(pid)), "in_flight": .int(Int64(inFlight)), "rss_bytes": .int(Int64(rssBytes))]
            if let index { object["index"] = index.wire }
            return .object(object)
        }
    }
    public typealias Params = WireEmpty
}

/// What a search worker's indexes hold, and how many sessions it has loaded from storage since
/// it started (a load is a search that found no index in memory).
public struct SearchIndexStats: WireCodable, Equatable {
    public var sessions: Int
    public var bytes: Int
    public var coldLoads: Int

    public init(sessions: Int, bytes: Int, coldLoads: Int) {
        self.sessions = sessions
        self.bytes = bytes
        self.coldLoads = coldLoads
    }

    public init(wire: JSONValue) throws(WireError) {
        self.init(sessions: Int(try wire.int("sessions")), bytes: Int(try wire.int("bytes")), coldLoads: Int(try wire.int("cold_loads")))
    }

    public var wire: JSONValue {
        ["sessions": .int(Int64(sessions)), "bytes": .int(Int64(bytes)), "cold_loads": .int(Int64(coldLoads))]
    }
}

/// `search.query`: fuzzy search of one session for an authenticated caller.
public enum SearchMethod: WireMethod {
    public static let name = "search.query"
    public static let role = WireRole.search
    public static let isIdempotentRead = true
    /// A session's searches go to one worker, so only that worker holds its index.
    public static func affinityKey(_ params: Params) -> String? { params.sessionID }

    public struct Params: WireCodable {
        public var identity: AgentIdentity
        public var sessionID: String
        public var query: String
        public var threshold: Double
        public var limit: Int
        public var searchMetadata: Bool
        public var scope: SearchScope

        public init(
            identity: AgentIdentity, sessionID: String, query: String, threshold: Double = 60, limit: Int = 10,
            searchMetadata: Bool = true, scope: SearchScope = .all
        ) {
            self.identity = identity
            self.sessionID = sessionID
            self.query = query
            self.threshold = threshold
            self.limit = limit
            self.searchMetadata = searchMetadata
            self.scope = scope
        }

        public init(wire: JSONValue) throws(WireError) {
            self.init(
                identity: try AgentIdentity(wire: try wire.required("identity")), sessionID: try wire.string("session_id"),
                query: try wire.string("query"), threshold: try wire.double("threshold"), limit: Int(try wire.int("limit")),
                searchMetadata: try wire.bool("search_metadata"), scope: try SearchScope(wire: wire.string("search_scope"))
            )
        }

        public init(_ query: SearchQuery) {
            self.init(identity: query.reader, sessionID: query.sessionID, query: query.query, threshold: query.threshold,
                      limit: query.limit, searchMetadata: query.searchMetadata, scope: query.scope)
        }

        /// The query the search worker runs.
        public var searchQuery: SearchQuery {
            SearchQuery(sessionID: sessionID, query: query, reader: identity, threshold: threshold, limit: limit,
                        searchMetadata: searchMetadata, scope: scope)
        }

        public var wire: JSONValue {
            [
                "identity": identity.wire, "session_id": .string(sessionID), "query": .string(query),
                "threshold": .double(threshold), "limit": .int(Int64(limit)), "search_metadata": .bool(searchMetadata),
                "search_scope": .string(scope.rawValue),
            ]
        }
    }

    public typealias Result = SearchOutcome
}

extension SearchScope {
    /// An unknown scope is a protocol error (the supervisor only sends the three it knows).
    init(wire name: String) throws(WireError) {
        guard let scope = SearchScope(rawValue: name) else { throw .protocolError("unknown search_scope \(name)") }
        self = scope
    }
}

extension SearchHit: WireCodable {
    public init(wire: JSONValue) throws(WireError) {
        self.init(message: try Message(wire: try wire.required("message")), score: try wire.double("score"))
    }
    public var wire: JSONValue { ["message": message.wire, "score": .double(score)] }
}

extension SearchOutcome: WireCodable {
    public init(wire: JSONValue) throws(WireError) {
        self.init(
            hits: try WireList<SearchHit>(wire: ["items": wire["hits"] ?? []]).items, candidates: Int(try wire.int("candidates")),
            truncated: wire["truncated"]?.boolValue ?? false)
    }
    public var wire: JSONValue {
        ["hits": .array(hits.map(\.wire)), "candidates": .int(Int64(candidates)), "truncated": .bool(truncated)]
    }
}

/// Parameters naming one memory entry of the caller.
public struct MemoryKeyParams: WireCodable {
    public var identity: AgentIdentity
    public var key: String
    public var sessionID: String?

    public init(identity: AgentIdentity, key: String, sessionID: String?) {
        self.identity = identity
        self.key = key
        self.sessionID = sessionID
    }

    public init(wire: JSONValue) throws(WireError) {
        self.init(identity: try AgentIdentity(wire: try wire.required("identity")), key: try wire.string("key"),
                  sessionID: wire.optionalString("session_id"))
    }

    public init(_ request: MemoryEntryRequest) {
        self.init(identity: request.agent, key: request.key, sessionID: request.sessionID)
    }

    public var wire: JSONValue { ["identity": identity.wire, "key": .string(key), "session_id": .string(sessionID)] }

    public var request: MemoryEntryRequest { MemoryEntryRequest(agent: identity, key: key, sessionID: sessionID) }
}

/// `memory.set`: an idempotent upsert (`overwrite:false` fails with KEY_EXISTS on a live entry).
public enum MemorySetMethod: WireMethod {
    public static let name = "memory.set"
    public static let role = WireRole.memory

    public struct Params: WireCodable {
        public var identity: AgentIdentity
        public var key: String
        public var value: JSONValue
        public var sessionID: String?
        public var expiresIn: JSONValue
        public var metadata: JSONObject?
        public var overwrite: Bool

        public init(
            identity: AgentIdentity, key: String, value: JSONValue, sessionID: String? = nil, expiresIn: JSONValue = .null,
            metadata: JSONObject? = nil, overwrite: Bool = true
        ) {
            self.identity = identity
            self.key = key
            self.value = value
            self.sessionID = sessionID
            self.expiresIn = expiresIn
            self.metadata = metadata
            self.overwrite = overwrite
        }

        public init(wire: JSONValue) throws(WireError) {
            self.init(
                identity: try AgentIdentity(wire: try wire.required("identity")), key: try wire.string("key"),
                value: try wire.required("value"), sessionID: wire.optionalString("session_id"),
                expiresIn: wire["expires_in"] ?? .null, metadata: wire["metadata"]?.objectValue,
                overwrite: wire["overwrite"]?.boolValue ?? true
            )
        }

        public init(_ request: MemorySetRequest) {
            self.init(identity: request.agent, key: request.key, value: request.value, sessionID: request.sessionID,
                      expiresIn: request.expiresIn ?? .null, metadata: request.metadata, overwrite: request.overwrite)
        }

        public var request: MemorySetRequest {
            MemorySetRequest(agent: identity, key: key, value: value, sessionID: sessionID,
                             expiresIn: expiresIn == .null ? nil : expiresIn, metadata: metadata, overwrite: overwrite)
        }

        public var wire: JSONValue {
            [
                "identity": identity.wire, "key": .string(key), "value": value, "session_id": .string(sessionID),
                "expires_in": expiresIn, "metadata": metadata.map(JSONValue.object) ?? .null, "overwrite": .bool(overwrite),
            ]
        }
    }
    public typealias Result = MemoryEntry

    /// An upsert that overwrites is idempotent; `overwrite: false` is not (a retry could report
    /// KEY_EXISTS for its own first attempt).
    public static func isSafeToRetry(_ params: Params) -> Bool { params.overwrite }
}

/// `memory.get`: the caller's live entry in exactly that scope.
public enum MemoryGetMethod: WireMethod {
    public static let name = "memory.get"
    public static let role = WireRole.memory
    public static let isIdempotentRead = true
    public typealias Params = MemoryKeyParams
    public typealias Result = MemoryEntry
}

/// `memory.list`: the caller's live entries in one scope, all scopes, or global only.
public enum MemoryListMethod: WireMethod {
    public static let name = "memory.list"
    public static let role = WireRole.memory
    public static let isIdempotentRead = true

    public struct Params: WireCodable {
        public var request: MemoryListRequest

        public init(_ request: MemoryListRequest) { self.request = request }

        public init(identity: AgentIdentity, scope: MemoryScopeFilter, prefix: String? = nil, limit: Int, includeValues: Bool = false) {
            self.init(MemoryListRequest(agent: identity, scope: scope, prefix: prefix, limit: limit, includeValues: includeValues))
        }

        /// `scope` is `global`, `all` or `session` (with `session_id`).
        public init(wire: JSONValue) throws(WireError) {
            let scope: MemoryScopeFilter
            switch try wire.string("scope") {
            case "global": scope = .global
            case "all": scope = .all
            case "session": scope = .session(try wire.string("session_id"))
            case let other: throw .protocolError("unknown memory scope \(other)")
            }
            self.init(identity: try AgentIdentity(wire: try wire.required("identity")), scope: scope,
                      prefix: wire.optionalString("prefix"), limit: Int(try wire.int("limit")),
                      includeValues: wire["include_values"]?.boolValue ?? false)
        }

        public var wire: JSONValue {
            let scope: (name: String, sessionID: String?)
            switch request.scope {
            case .global: scope = ("global", nil)
            case .all: scope = ("all", nil)
            case .session(let id): scope = ("session", id)
            }
            return [
                "identity": request.agent.wire, "scope": .string(scope.name), "session_id": .string(scope.sessionID),
                "prefix": .string(request.prefix), "limit": .int(Int64(request.limit)), "include_values": .bool(request.includeValues),
            ]
        }
    }
    public typealias Result = WireList<MemoryEntry>
}

/// `memory.delete`: removes the caller's live entry (MEMORY_NOT_FOUND when none).
public enum MemoryDeleteMethod: WireMethod {
    public static let name = "memory.delete"
    public static let role = WireRole.memory
    public typealias Params = MemoryKeyParams
    public typealias Result = WireEmpty
}

/// What a worker sends unasked, typed like its methods: the name on the wire and the data's
/// coding live here, in one place for both ends.
public enum WorkerEvent: Sendable {
    /// `memory.expired`, data `{"items": [MemoryEntry…]}`: entries the sweeper deleted (without
    /// their values).
    case memoryExpired([MemoryEntry])

    static let memoryExpiredName = "memory.expired"

    /// The event read off the wire; nil for a name this build does not know.
    public init?(name: String, data: JSONValue) throws(WireError) {
        switch name {
        case Self.memoryExpiredName: self = .memoryExpired(try WireList<MemoryEntry>(wire: data).items)
        default: return nil
        }
    }

    /// The event as the worker sends it.
    public var envelope: WireEnvelope {
        switch self {
        case .memoryExpired(let entries): .event(name: Self.memoryExpiredName, data: WireList(entries).wire)
        }
    }
}
