import Foundation
public import Hummingbird
import HTTPTypes
import HummingbirdWebSocket
import SCSAuth
import SCSCore
import SCSStorage
import Synchronization
import Logging
import OrderedCollections
public import SCSLive
public import SCSHTTP
import NIOWebSocket

/// `WS /ws/{session_id}`: one socket's life (docs/DASHBOARD.md, "Live feed").
/// - Before the upgrade: a browser's `Origin` must be this server's own or a configured one, and
///   credentials presented as the login cookie or `Authorization: Bearer sct_…` must be valid.
/// - Without either, the first message must be `{"type":"subscribe","auth_token":"sct_…"}`;
///   nothing is sent before it, and a socket that does not send it within 10 s is closed.
/// - `subscribe` (optionally with `after_id`) answers `subscribed`, then replays the visible
///   messages after that id; live events follow. A message may arrive twice; its id tells.
/// - Close codes: 4400 bad message, 4401 not signed in / token revoked / signed out,
///   4404 no such session, 4429 too slow (resubscribe with `after_id`), 4503 server full.
public struct LiveFeedSocket: Sendable {
    static let badMessage: UInt16 = 4400
    static let unauthenticated = LiveFeed.unauthenticated
    static let notFound: UInt16 = 4404
    static let tooSlow: UInt16 = 4429
    static let full: UInt16 = 4503
    static let authTimeout: Duration = .seconds(10)
    public static let maxInboundBytes = 16 * 1024

    let feed: LiveFeed
    let dashboard: Dashboard

    public init(feed: LiveFeed, dashboard: Dashboard) {
        self.feed = feed
        self.dashboard = dashboard
    }

    struct Credentials: Sendable {
        var identity: AgentIdentity
        var loginID: String?
        var tokenDigest: String?
    }

    public func register(on router: Router<SCSRequestContext>) {
        router.ws("ws/:session_id") { request, _ in
            try await shouldUpgrade(request)
        } onUpgrade: { inbound, outbound, context in
            let sessionID = context.requestContext.parameters.get("session_id") ?? ""
            let presented = await credentials(context.request)
            // Pending sockets are keyed like sign-ins: IPv6 by /64, behind a trusted proxy the client.
            let address = dashboard.clientKey(context.request, context.requestContext.remoteAddress)
            await serve(sessionID: sessionID, presented: presented ?? nil, address: address, inbound: inbound, outbound: outbound)
        }
    }

    func shouldUpgrade(_ request: Request) async throws -> RouterShouldUpgrade {
        guard dashboard.hostAllowed(request) else { throw HTTPError(.misdirectedRequest, message: "Not this host.") }
        guard dashboard.deps.password != nil || request.headers[.authorization] != nil else {
            // With the dashboard off, only an agent's token opens a feed.
            if request.headers[.origin] != nil { throw HTTPError(.forbidden, message: "The dashboard is off.") }
            return .upgrade([:])
        }
        if let origin = request.headers[.origin], !allowed(origin: origin, request: request) {
            throw HTTPError(.forbidden, message: "Origin not allowed.")
        }
        if let presented = await credentials(request), presented == nil {
            throw HTTPError(.unauthorized, message: "The login or token is not valid.")
        }
        return .upgrade([:])
    }

    /// The browser's origin is the page's own (same host and port) or one listed in CORS_ORIGINS.
    func allowed(origin: String, request: Request) -> Bool {
        Dashboard.isOwnOrigin(origin, request) || dashboard.deps.allowedOrigins.contains(origin)
    }

    /// Nil: nothing presented. `.some(nil)`: something presented that does not sign in.
    func credentials(_ request: Request) async -> Credentials?? {
        let presented = request.credentials
        if presented.hasAuthorization {
            guard let token = presented.bearer else { return .some(nil) }
            return .some(await credentials(token: token))
        }
        if let cookie = presented.loginCookie {
            guard let viewer = await dashboard.viewer(cookie: cookie) else { return .some(nil) }
            return .some(Credentials(identity: viewer.identity, loginID: viewer.loginID, tokenDigest: viewer.tokenDigest))
        }
        return nil
    }

    func credentials(token: String) async -> Credentials? {
        guard let agent = await dashboard.agent(token: token) else { return nil }
        return Credentials(identity: agent.identity, loginID: nil, tokenDigest: agent.digest)
    }

    /// Whose places a socket takes (LiveFeed.admit): its login or token, or, until its first
    /// `subscribe` signs it in, its peer address (so sockets still signing in cannot crowd out
    /// anyone else's).
    static func viewerKey(_ credentials: Credentials?, address: String) -> String {
        credentials.map { $0.loginID ?? $0.tokenDigest ?? $0.identity.agentID } ?? "pending:" + address
    }

    func serve(
        sessionID: String, presented: Credentials?, address: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
    ) async {
        let viewerKey = Self.viewerKey(presented, address: address)
        guard feed.admit(viewerKey: viewerKey) else {
            try? await outbound.close(.unknown(Self.full), reason: "too many live feeds open")
            return
        }
        let (queue, continuation) = AsyncStream<LiveFeed.Outgoing>.makeStream(bufferingPolicy: .bufferingOldest(LiveFeed.queueLimit))
        let connection = LiveFeedConnection(
            socket: self, sessionID: sessionID, credentials: presented, viewerKey: viewerKey, queue: continuation)
        defer {
            feed.release(viewerKey: connection.viewerKey)
            // Whatever the writer left unwritten no longer counts against the server-wide budget.
            feed.written(connection.queued.value.load(ordering: .relaxed), queued: connection.queued)
        }
        enum Finished { case writer, watchdog }
        await withTaskGroup(of: Finished.self) { group in
            group.addTask { [feed] in
                await Self.write(queue, feed: feed, queued: connection.queued, to: outbound, overrun: { !connection.readerEnded })
                return .writer
            }
            // The credential is checked again on a timer, subscribed or not (an expired token, a
            // login ended where the announcement did not reach this node).
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: LiveFeed.recheckInterval)
                    guard !Task.isCancelled else { break }
                    if connection.isAuthenticated, !(await connection.stillValid()) {
                        connection.close(Self.unauthenticated, "signed out")
                        break
                    }
                }
                return .watchdog
            }
            if presented == nil {
                group.addTask {
                    try? await Task.sleep(for: Self.authTimeout)
                    if !Task.isCancelled, !connection.isAuthenticated { connection.close(Self.unauthenticated, "authentication required") }
                    return .watchdog
                }
            }
            do {
                for try await message in inbound.messages(maxSize: Self.maxInboundBytes) {
                    guard case .text(let text) = message else {
                        connection.close(Self.badMessage, "text messages only")
                        break
                    }
                    guard await connection.handle(text) else { break }
                }
            } catch {
                connection.close(Self.badMessage, "message too large or malformed")
            }
            // The writer sends what is queued (a close among it), then ends; then the watchdog goes.
            connection.end()
            for await finished in group where finished == .writer {
                group.cancelAll()
            }
        }
    }

    /// The socket's only writer: the queue in order; a queue that ended without a close was
    /// overrun (the consumer was too slow).
    static func write(
        _ queue: AsyncStream<LiveFeed.Outgoing>, feed: LiveFeed, queued: LiveFeed.QueuedBytes, to outbound: WebSocketOutboundWriter,
        overrun: () -> Bool
    ) async {
        do {
            for await item in queue {
                switch item {
                case .text(let text):
                    try await outbound.write(.text(text))
                    feed.written(text.utf8.count, queued: queued)
                case .close(let code, let reason):
                    try await outbound.close(.unknown(code), reason: reason)
                    return
                }
            }
            if overrun() { try await outbound.close(.unknown(tooSlow), reason: "too slow: resubscribe with after_id") }
        } catch {}
    }
}
