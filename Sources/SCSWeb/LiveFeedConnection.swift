import Foundation
import SCSCore
import SCSStorage
import Synchronization
import Logging
import OrderedCollections
import SCSAuth
import SCSLive
import NIOWebSocket

/// One socket's state: who it is, whether it subscribed, and its queue (LiveFeedSocket).
final class LiveFeedConnection: Sendable {
    let socket: LiveFeedSocket
    let sessionID: String
    let queue: AsyncStream<LiveFeed.Outgoing>.Continuation
    let queued = LiveFeed.QueuedBytes()
    let id = UUID()
    let state: Mutex<(credentials: LiveFeedSocket.Credentials?, subscribed: Bool)>
    /// The client's side ended (or sent its last message): a queue that ends now was not overrun.
    let ended = Mutex(false)

    /// Whose places in `LiveFeed.admit` this socket holds (moves once, when `subscribe` signs it in).
    let heldBy: Mutex<String>
    /// Messages the client may still send: a bucket of `inboundBurst` refilled at
    /// `inboundPerSecond` (each `subscribe` costs a database read).
    let allowance: Mutex<(tokens: Double, at: ContinuousClock.Instant)>
    static let inboundBurst = 20.0
    static let inboundPerSecond = 5.0

    init(
        socket: LiveFeedSocket, sessionID: String, credentials: LiveFeedSocket.Credentials?, viewerKey: String,
        queue: AsyncStream<LiveFeed.Outgoing>.Continuation
    ) {
        self.socket = socket
        self.sessionID = sessionID
        self.queue = queue
        state = Mutex((credentials, false))
        heldBy = Mutex(viewerKey)
        allowance = Mutex((Self.inboundBurst, ContinuousClock.now))
        track(credentials)
    }

    /// Tells the feed which credential this socket holds (its revocation closes the socket).
    func track(_ credentials: LiveFeedSocket.Credentials?) {
        socket.feed.track(id, LiveFeed.Watch(loginID: credentials?.loginID, tokenDigest: credentials?.tokenDigest, queue: queue))
    }

    /// Takes one message from the client's allowance; false when it sends faster than allowed.
    func allowMessage() -> Bool {
        allowance.withLock { allowance in
            let now = ContinuousClock.now
            let elapsed = Double((now - allowance.at) / .milliseconds(1)) / 1000
            allowance.tokens = min(Self.inboundBurst, allowance.tokens + elapsed * Self.inboundPerSecond)
            allowance.at = now
            guard allowance.tokens >= 1 else { return false }
            allowance.tokens -= 1
            return true
        }
    }

    var viewerKey: String { heldBy.withLock { $0 } }

    var readerEnded: Bool { ended.withLock { $0 } }

    var isAuthenticated: Bool { state.withLock { $0.credentials != nil } }

    func send(_ object: JSONObject) { socket.feed.send(.text(JSONValue.object(object).compactText), to: subscriber) }

    var subscriber: LiveFeed.Subscriber {
        let credentials = state.withLock { $0.credentials }
        return LiveFeed.Subscriber(
            sessionID: sessionID, identity: credentials?.identity ?? .anonymous(mcpSessionID: "feed"), loginID: credentials?.loginID,
            tokenDigest: credentials?.tokenDigest, queue: queue, queued: queued)
    }

    func close(_ code: UInt16, _ reason: String) {
        queue.yield(.close(code: code, reason: reason))
        queue.finish()
    }

    /// Leaves the feed (the socket ended).
    func end() {
        ended.withLock { $0 = true }
        socket.feed.unsubscribe(id, sessionID: sessionID)
        socket.feed.untrack(id)
        queue.finish()
    }

    /// One client message; false once the socket is closing.
    func handle(_ text: String) async -> Bool {
        guard allowMessage() else { return closing(LiveFeedSocket.badMessage, "too many messages: slow down") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // The Python server's plain-text forms.
        if trimmed == "ping", isAuthenticated {
            socket.feed.send(.text("pong"), to: subscriber)
            return true
        }
        if trimmed.hasPrefix("subscribe:") { return await subscribe(afterID: nil, token: nil) }
        guard let message = try? JSONValue.parse(trimmed), let type = message["type"]?.stringValue else {
            guard isAuthenticated else { return closing(LiveFeed.unauthenticated, "authentication required") }
            send(["type": "error", "message": "Unknown command"])
            return true
        }
        switch type {
        case "subscribe":
            let after = message["after_id"]?.intValue
            return await subscribe(afterID: after, token: message["auth_token"]?.stringValue)
        case "ping" where isAuthenticated:
            // A ping also checks that the viewer may still watch (an expired token ends here).
            guard await stillValid() else { return closing(LiveFeed.unauthenticated, "signed out") }
            send(["type": "pong"])
            return true
        default:
            guard isAuthenticated else { return closing(LiveFeed.unauthenticated, "authentication required") }
            send(["type": "error", "message": .string("Unknown message type: \(String(type.prefix(64)))")])
            return true
        }
    }

    func closing(_ code: UInt16, _ reason: String) -> Bool {
        close(code, reason)
        return false
    }

    func subscribe(afterID: Int64?, token: String?) async -> Bool {
        if !isAuthenticated {
            guard let token, let credentials = await socket.credentials(token: token) else {
                return closing(LiveFeed.unauthenticated, "authentication required")
            }
            let moved = heldBy.withLock { held in
                let key = LiveFeedSocket.viewerKey(credentials, address: "")
                guard socket.feed.move(from: held, to: key) else { return false }
                held = key
                return true
            }
            guard moved else { return closing(LiveFeedSocket.full, "too many live feeds open") }
            state.withLock { $0.credentials = credentials }
            track(credentials)
        } else if !(await stillValid()) {
            // Checked again on every subscribe: the token or login may have ended since the upgrade.
            return closing(LiveFeed.unauthenticated, "signed out")
        }
        let storage = socket.dashboard.deps.storage
        guard sessionID.utf8.count <= Limits.sessionIDLength, (try? await storage.session(id: sessionID)) != nil else {
            return closing(LiveFeedSocket.notFound, "session not found")
        }
        let first = state.withLock { state -> Bool in
            defer { state.subscribed = true }
            return !state.subscribed
        }
        if first { socket.feed.subscribe(id, subscriber) }
        send(["type": "subscribed", "session_id": .string(sessionID), "status": "success"])
        if let afterID, afterID >= 0 { await replay(after: afterID) }
        return true
    }

    /// The visible messages after `after`, oldest first, as `new_message` events: a page at a
    /// time, each page once the socket drained the one before, the credential checked before
    /// each page (docs/DASHBOARD.md, "Live feed").
    func replay(after: Int64) async {
        var cursor = after
        var sent = 0
        let queued = self.queued
        queued.replaying.store(true, ordering: .relaxed)
        defer { queued.replaying.store(false, ordering: .relaxed) }
        while sent < LiveFeed.replayLimit {
            let drained = await queued.drained.wait(timeout: 30) { _ in queued.value.load(ordering: .relaxed) < LiveFeed.replayLowWater }
            guard drained, !readerEnded, await stillValid() else { return }
            let want = min(LiveFeed.replayPage, LiveFeed.replayLimit - sent)
            guard let page = try? await socket.dashboard.deps.storage.messages(
                MessageQuery(sessionID: sessionID, afterID: cursor, order: .ascending, limit: want + 1, maxBytes: 2 << 20),
                reader: subscriber.identity)
            else { return }
            if page.messages.isEmpty { break }
            for message in page.messages.prefix(want) {
                socket.feed.send(.text(LiveFeedEvents.newMessage(message)), to: subscriber)
                cursor = message.id
                sent += 1
            }
            if page.messages.count <= want, !page.truncated { return }
        }
        send(["type": "replay_truncated", "resume_after_id": .int(cursor)])
    }

    /// Whether the socket's credential still holds: its login (with the operator's password in
    /// force, or its agent's token) or its token.
    func stillValid() async -> Bool {
        guard let credentials = state.withLock({ $0.credentials }) else { return false }
        let dashboard = socket.dashboard
        if let loginID = credentials.loginID {
            return await dashboard.viewer(loginID: loginID) != nil
        }
        if let digest = credentials.tokenDigest {
            return (try? await dashboard.deps.tokens.resolve(.bound(digest: digest))) != nil
        }
        return false
    }
}
