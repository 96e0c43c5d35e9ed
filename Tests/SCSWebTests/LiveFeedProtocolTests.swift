import SCSCore
import SCSLive
import Testing
import OrderedCollections

@testable import SCSWeb

/// A live-feed socket's conversation as values: what each client message leads to.
@Suite("A live-feed socket's conversation (LiveFeedProtocol)")
struct LiveFeedProtocolTests {
    static let viewer = LiveFeedSocket.Credentials(
        identity: AgentIdentity(agentID: "viewer", agentType: "claude", permissions: [.read]), loginID: "login-1", tokenDigest: nil)

    @Test("signed in: pings are answered (plain and JSON, the JSON one after a credential check); unknown messages get an error")
    func signedIn() {
        var feed = LiveFeedProtocol(credentials: Self.viewer, viewerKey: "login:login-1", now: 0)
        #expect(feed.receive(" ping\n", now: 0) == .plainPong)
        #expect(feed.receive(#"{"type":"ping"}"#, now: 0) == .pongIfStillValid)
        #expect(feed.receive("hello", now: 0) == .reply(["type": "error", "message": "Unknown command"]))
        #expect(feed.receive(#"{"type":"dance"}"#, now: 0) == .reply(["type": "error", "message": "Unknown message type: dance"]))
        #expect(feed.receive(#"{"type":"subscribe","after_id":7}"#, now: 0) == .subscribe(afterID: 7, token: nil))
        #expect(feed.receive("subscribe:anything", now: 0) == .subscribe(afterID: nil, token: nil))
    }

    @Test("not signed in: only a subscribe (with a token) is heard; anything else closes with 4401")
    func anonymous() {
        var feed = LiveFeedProtocol(credentials: nil, viewerKey: "peer:127.0.0.1", now: 0)
        #expect(feed.receive(#"{"type":"subscribe","auth_token":"sct_x"}"#, now: 0) == .subscribe(afterID: nil, token: "sct_x"))
        #expect(feed.receive("ping", now: 0) == .close(4401, "authentication required"))
        #expect(feed.receive(#"{"type":"ping"}"#, now: 0) == .close(4401, "authentication required"))
        feed.signedIn(Self.viewer, key: "login:login-1")
        #expect(feed.isAuthenticated && feed.viewerKey == "login:login-1")
        #expect(feed.receive("ping", now: 0) == .plainPong)
    }

    @Test("a burst of 20 messages is allowed, the 21st closes with 4400; the allowance refills at 5 a second")
    func allowance() {
        var feed = LiveFeedProtocol(credentials: Self.viewer, viewerKey: "k", now: 100)
        for _ in 0..<20 { #expect(feed.receive("ping", now: 100) == .plainPong) }
        #expect(feed.receive("ping", now: 100) == .close(4400, "too many messages: slow down"))
        #expect(feed.receive("ping", now: 100.4) == .plainPong)  // 2 refilled
        #expect(feed.receive("ping", now: 100.4) == .plainPong)
        #expect(feed.receive("ping", now: 100.4) == .close(4400, "too many messages: slow down"))
    }

    @Test("the socket joins the feed on its first subscribe only")
    func subscribeOnce() {
        var feed = LiveFeedProtocol(credentials: Self.viewer, viewerKey: "k", now: 0)
        #expect(feed.subscribe() && !feed.subscribe() && feed.subscribed)
        #expect(!feed.readerEnded)
        feed.endReader()
        #expect(feed.readerEnded)
    }
}
