import Foundation
import SCSCore
import SCSStorage
import Synchronization
import Logging
import OrderedCollections
import SCSAuth
import SCSTools
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

    init(
        socket: LiveFeedSocket, sessionID: String, credentials: LiveFeedSocket.Credentials?, viewerKey: String,
        queue: AsyncStream<LiveFeed.Outgoing>.Continuation
    ) {
        self.socket = socket
        self.sessionID = sessionID
        self.queue = queue
        state = Mutex((credentials, false))
        heldBy = Mutex(viewerKey)
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
        queue.finish()
    }

    /// One client message; false once the socket is closing.
    func handle(_ text: String) async -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // The Python server's plain-text forms.
        if trimmed == "ping", isAuthenticated {
            socket.feed.send(.text("pong"), to: subscriber)
            return true
        }
        if trimmed.hasPrefix("subscribe:") { return await subscribe(afterID: nil, token: nil) }
        guard let message = try? JSONValue.parse(trimmed), let type = message["type"]?.stringValue else {
            guard isAuthenticated else { return closing(LiveFeedSocket.unauthenticated, "authentication required") }
            send(["type": "error", "message": "Unknown command"])
            return true
        }
        switch type {
        case "subscribe":
            let after = message["after_id"]?.intValue
            return await subscribe(afterID: after, token: message["auth_token"]?.stringValue)
        case "ping" where isAuthenticated:
            // A ping also checks that the viewer may still watch (an expired token ends here).
            guard await stillValid() else { return closing(LiveFeedSocket.unauthenticated, "signed out") }
            send(["type": "pong"])
            return true
        default:
            guard isAuthenticated else { return closing(LiveFeedSocket.unauthenticated, "authentication required") }
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
                return closing(LiveFeedSocket.unauthenticated, "authentication required")
            }
            let moved = heldBy.withLock { held in
                let key = LiveFeedSocket.viewerKey(credentials, address: "")
                guard socket.feed.move(from: held, to: key) else { return false }
                held = key
                return true
            }
            guard moved else { return closing(LiveFeedSocket.full, "too many live feeds open") }
            state.withLock { $0.credentials = credentials }
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

    /// The visible messages after `after`, oldest first, as `new_message` events.
    func replay(after: Int64) async {
        let reader = subscriber.identity
        guard let page = try? await socket.dashboard.deps.storage.messages(
            MessageQuery(sessionID: sessionID, afterID: after, order: .ascending, limit: LiveFeed.replayLimit + 1, maxBytes: 8 << 20),
            reader: reader)
        else { return }
        for message in page.messages.prefix(LiveFeed.replayLimit) {
            socket.feed.send(.text(LiveFeedEvents.newMessage(message)), to: subscriber)
        }
        if page.messages.count > LiveFeed.replayLimit || page.truncated {
            send(["type": "replay_truncated", "resume_after_id": .int(page.messages.prefix(LiveFeed.replayLimit).last?.id ?? after)])
        }
    }

    func stillValid() async -> Bool {
        guard let credentials = state.withLock({ $0.credentials }) else { return false }
        let deps = socket.dashboard.deps
        if let loginID = credentials.loginID {
            guard (try? await deps.storage.dashboardLogin(id: loginID, now: deps.clock.now())) != nil else { return false }
        }
        if let digest = credentials.tokenDigest {
            guard (try? await deps.tokens.resolve(.bound(digest: digest))) != nil else { return false }
        }
        return true
    }
}
