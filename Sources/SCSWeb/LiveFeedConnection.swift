import Foundation
import SCSCore
import SCSStorage
import Synchronization
import Logging
import OrderedCollections
import SCSAuth
import SCSLive
import NIOWebSocket

/// One socket (LiveFeedSocket): its queue, and its conversation's state (`LiveFeedProtocol`,
/// which decides; this carries its actions out).
final class LiveFeedConnection: Sendable {
    let socket: LiveFeedSocket
    let sessionID: String
    let queue: AsyncStream<LiveFeed.Outgoing>.Continuation
    let queued = LiveFeed.QueuedBytes()
    let id = UUID()
    let state: Mutex<LiveFeedProtocol>
    let started = ContinuousClock.now

    init(
        socket: LiveFeedSocket, sessionID: String, credentials: LiveFeedSocket.Credentials?, viewerKey: String,
        queue: AsyncStream<LiveFeed.Outgoing>.Continuation
    ) {
        self.socket = socket
        self.sessionID = sessionID
        self.queue = queue
        state = Mutex(LiveFeedProtocol(credentials: credentials, viewerKey: viewerKey, now: 0))
        track(credentials)
    }

    /// Tells the feed which credential this socket holds (its revocation closes the socket).
    func track(_ credentials: LiveFeedSocket.Credentials?) {
        socket.feed.track(id, LiveFeed.Watch(loginID: credentials?.loginID, tokenDigest: credentials?.tokenDigest, queue: queue))
    }

    var viewerKey: String { state.withLock { $0.viewerKey } }

    var readerEnded: Bool { state.withLock { $0.readerEnded } }

    var isAuthenticated: Bool { state.withLock { $0.isAuthenticated } }

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
        state.withLock { $0.endReader() }
        socket.feed.unsubscribe(id, sessionID: sessionID)
        socket.feed.untrack(id)
        queue.finish()
    }

    /// One client message; false once the socket is closing.
    func handle(_ text: String) async -> Bool {
        let now = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
        switch state.withLock({ $0.receive(text, now: now) }) {
        case .close(let code, let reason):
            return closing(code, reason)
        case .reply(let object):
            send(object)
            return true
        case .plainPong:
            socket.feed.send(.text("pong"), to: subscriber)
            return true
        case .pongIfStillValid:
            // A ping also checks that the viewer may still watch (an expired token ends here).
            guard await stillValid() else { return closing(LiveFeed.unauthenticated, "signed out") }
            send(["type": "pong"])
            return true
        case .subscribe(let afterID, let token):
            return await subscribe(afterID: afterID, token: token)
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
            let moved = state.withLock { state in
                let key = LiveFeedSocket.viewerKey(credentials, address: "")
                guard socket.feed.move(from: state.viewerKey, to: key) else { return false }
                state.signedIn(credentials, key: key)
                return true
            }
            guard moved else { return closing(LiveFeedSocket.full, "too many live feeds open") }
            track(credentials)
        } else if !(await stillValid()) {
            // Checked again on every subscribe: the token or login may have ended since the upgrade.
            return closing(LiveFeed.unauthenticated, "signed out")
        }
        let storage = socket.dashboard.deps.storage
        guard sessionID.utf8.count <= Limits.sessionIDLength, (try? await storage.session(id: sessionID)) != nil else {
            return closing(LiveFeedSocket.notFound, "session not found")
        }
        let first = state.withLock { $0.subscribe() }
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
