import Foundation
import SCSCore
import SCSLive
import OrderedCollections

/// One live-feed socket's conversation as a pure state machine (docs/DASHBOARD.md, "Live
/// feed"): who it is, whether it subscribed, whether the client's side ended, and the client's
/// message allowance; each client message comes out as the action to take. `LiveFeedConnection`
/// carries the actions out (reads, sends, closes); tests check it as a value.
struct LiveFeedProtocol: Sendable {
    /// Messages the client may still send: a bucket of `burst` refilled at `perSecond` (each
    /// `subscribe` costs a database read).
    static let burst = 20.0
    static let perSecond = 5.0

    enum Action: Sendable, Equatable {
        /// Close the socket with this code and reason.
        case close(UInt16, String)
        /// Send this JSON message.
        case reply(JSONObject)
        /// Send the Python server's plain `pong`.
        case plainPong
        /// Check the credential again, then answer `{"type": "pong"}` (or close: signed out).
        case pongIfStillValid
        /// Sign in with `token` when not signed in yet, check the session, subscribe, and replay
        /// after `afterID` when given.
        case subscribe(afterID: Int64?, token: String?)
    }

    private(set) var credentials: LiveFeedSocket.Credentials?
    /// Whose places in `LiveFeed.admit` the socket holds (moves once, when `subscribe` signs it in).
    private(set) var viewerKey: String
    private(set) var subscribed = false
    /// The client's side ended: a queue that ends now was not overrun.
    private(set) var readerEnded = false
    private var allowance: Double = LiveFeedProtocol.burst
    private var allowanceAt: Double

    init(credentials: LiveFeedSocket.Credentials?, viewerKey: String, now: Double) {
        self.credentials = credentials
        self.viewerKey = viewerKey
        allowanceAt = now
    }

    var isAuthenticated: Bool { credentials != nil }

    /// One client message at `now` (seconds on any monotonic clock).
    mutating func receive(_ text: String, now: Double) -> Action {
        allowance = min(Self.burst, allowance + max(0, now - allowanceAt) * Self.perSecond)
        allowanceAt = now
        guard allowance >= 1 else { return .close(LiveFeedSocket.badMessage, "too many messages: slow down") }
        allowance -= 1
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // The Python server's plain-text forms.
        if trimmed == "ping", isAuthenticated { return .plainPong }
        if trimmed.hasPrefix("subscribe:") { return .subscribe(afterID: nil, token: nil) }
        guard let message = try? JSONValue.parse(trimmed), let type = message["type"]?.stringValue else {
            guard isAuthenticated else { return .close(LiveFeed.unauthenticated, "authentication required") }
            return .reply(["type": "error", "message": "Unknown command"])
        }
        switch type {
        case "subscribe":
            return .subscribe(afterID: message["after_id"]?.intValue, token: message["auth_token"]?.stringValue)
        case "ping" where isAuthenticated:
            return .pongIfStillValid
        default:
            guard isAuthenticated else { return .close(LiveFeed.unauthenticated, "authentication required") }
            return .reply(["type": "error", "message": .string("Unknown message type: \(String(type.prefix(64)))")])
        }
    }

    /// A first `subscribe` signed the socket in: its places move to `key`.
    mutating func signedIn(_ credentials: LiveFeedSocket.Credentials, key: String) {
        self.credentials = credentials
        viewerKey = key
    }

    /// True the first time the socket subscribes (it joins the feed once).
    mutating func subscribe() -> Bool {
        defer { subscribed = true }
        return !subscribed
    }

    mutating func endReader() { readerEnded = true }
}
