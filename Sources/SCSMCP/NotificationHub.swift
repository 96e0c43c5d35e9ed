public import Foundation
public import SCSCore
public import SCSAuth
import Synchronization

/// Server → client notifications: the open SSE streams of each MCP session and its resource
/// subscriptions (each with the identity that subscribed, so a notification is only sent for
/// changes that identity may see).
public final class NotificationHub: Sendable {
    struct State {
        var streams: [String: [UUID: AsyncStream<JSONValue>.Continuation]] = [:]
        var subscriptions: [String: [String: Subscriber]] = [:]
        var closed = false
    }

    /// Who subscribed: the identity, and the token it came from (nil for the anonymous agent).
    struct Subscriber {
        var identity: AgentIdentity
        var token: TokenCredential?
    }

    let state = Mutex(State())
    /// Checks, before a notification is sent, that the subscriber's token still works (revoked or
    /// expired tokens get nothing).
    let validator = Mutex<(@Sendable (TokenCredential) async -> Bool)?>(nil)

    public init() {}

    public func setTokenValidator(_ check: @escaping @Sendable (TokenCredential) async -> Bool) {
        validator.withLock { $0 = check }
    }

    /// A stream of notifications for one MCP session (the GET SSE stream); ends on `close`.
    /// Most GET SSE streams open at once on one MCP session.
    public static let maxStreamsPerSession = 4

    /// Nil when the session already has `maxStreamsPerSession` open streams.
    public func openStream(mcpSessionID: String) -> (id: UUID, stream: AsyncStream<JSONValue>)? {
        let id = UUID()
        let (stream, continuation) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .bufferingNewest(1_000))
        let accepted = state.withLock { state -> Bool? in
            guard !state.closed else { return false }
            guard (state.streams[mcpSessionID]?.count ?? 0) < Self.maxStreamsPerSession else { return nil }
            state.streams[mcpSessionID, default: [:]][id] = continuation
            return true
        }
        guard let accepted else { return nil }
        if !accepted { continuation.finish() }
        continuation.onTermination = { [weak self] _ in self?.closeStream(mcpSessionID: mcpSessionID, id: id) }
        return (id, stream)
    }

    public func closeStream(mcpSessionID: String, id: UUID) {
        let continuation = state.withLock { $0.streams[mcpSessionID]?.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// Most subscriptions one MCP session may hold, and the longest URI one may name.
    public static let maxSubscriptionsPerSession = 64
    public static let maxURILength = 512

    /// False when the session already holds `maxSubscriptionsPerSession` other subscriptions.
    @discardableResult
    public func subscribe(mcpSessionID: String, uri: String, identity: AgentIdentity, token: TokenCredential? = nil) -> Bool {
        state.withLock { state in
            let current = state.subscriptions[mcpSessionID] ?? [:]
            guard current[uri] != nil || current.count < Self.maxSubscriptionsPerSession else { return false }
            state.subscriptions[mcpSessionID, default: [:]][uri] = Subscriber(identity: identity, token: identity.authenticated ? token : nil)
            return true
        }
    }

    public var subscriptionCount: Int { state.withLock { $0.subscriptions.values.reduce(0) { $0 + $1.count } } }

    /// MCP sessions holding subscriptions or streams (housekeeping drops those that ended).
    public var sessionIDs: Set<String> { state.withLock { Set($0.subscriptions.keys).union($0.streams.keys) } }

    public func unsubscribe(mcpSessionID: String, uri: String) {
        state.withLock { _ = $0.subscriptions[mcpSessionID]?.removeValue(forKey: uri) }
    }

    /// The MCP session ended (DELETE or expiry): its streams end, its subscriptions go.
    public func endSession(_ mcpSessionID: String) {
        let continuations = state.withLock { state -> [AsyncStream<JSONValue>.Continuation] in
            state.subscriptions[mcpSessionID] = nil
            return Array((state.streams.removeValue(forKey: mcpSessionID) ?? [:]).values)
        }
        continuations.forEach { $0.finish() }
    }

    /// Shutdown: every stream ends, no new ones open.
    public func closeAll() {
        let continuations = state.withLock { state -> [AsyncStream<JSONValue>.Continuation] in
            state.closed = true
            defer { state.streams = [:] }
            return state.streams.values.flatMap(\.values)
        }
        continuations.forEach { $0.finish() }
    }

    public var openStreamCount: Int { state.withLock { $0.streams.values.reduce(0) { $0 + $1.count } } }

    /// Sends `notifications/resources/updated` for every subscription for which `affects` is true.
    /// Returns how many notifications were queued.
    @discardableResult
    public func resourcesChanged(where affects: (_ uri: String, _ subscriber: AgentIdentity) -> Bool) -> Int {
        let targets = state.withLock { state -> [(AsyncStream<JSONValue>.Continuation, String, TokenCredential?)] in
            var targets: [(AsyncStream<JSONValue>.Continuation, String, TokenCredential?)] = []
            for (session, uris) in state.subscriptions {
                for (uri, subscriber) in uris where affects(uri, subscriber.identity) {
                    for continuation in (state.streams[session] ?? [:]).values { targets.append((continuation, uri, subscriber.token)) }
                }
            }
            return targets
        }
        let send = { (continuation: AsyncStream<JSONValue>.Continuation, uri: String) in
            _ = continuation.yield([
                "jsonrpc": "2.0", "method": "notifications/resources/updated", "params": ["uri": .string(uri)],
            ])
        }
        let check = validator.withLock { $0 }
        guard let check, targets.contains(where: { $0.2 != nil }) else {
            for (continuation, uri, _) in targets { send(continuation, uri) }
            return targets.count
        }
        // Token-bound subscribers are re-checked first (one check per distinct token).
        Task {
            var verdicts: [TokenCredential: Bool] = [:]
            for (continuation, uri, token) in targets {
                if let token {
                    if verdicts[token] == nil { verdicts[token] = await check(token) }
                    guard verdicts[token] == true else { continue }
                }
                send(continuation, uri)
            }
        }
        return targets.count
    }
}
