public import Logging
public import SCSAuth
public import SCSCore
public import SCSLive
public import SCSMCP
public import SCSStorage
import SCSTools
public import ServiceLifecycle
import Synchronization
public import OrderedCollections

/// Carries live events between the nodes that share one database (docs/POSTGRESQL.md, "Live
/// events across nodes"). Each event this node publishes is announced to the others by its ids
/// (never its content), batched into as few announcements as fit; each announcement another node
/// makes is read back from the database and published here, so long-polls, MCP resource
/// subscriptions and dashboard WebSockets wake on every node. A revoked token is dropped from this
/// node's token cache before its event goes out, so it is refused here at once.
///
/// Delivery is at most once. After the listening connection is re-established every long-poll
/// wakes and re-reads; a WebSocket viewer catches up with `after_id` when it reconnects.
public final class PeerEventRelay: Service, LiveEventListener {
    /// Kinds of announcement that end a credential somewhere: they get their own queue.
    static let urgentKinds: Set<String> = ["revoked", "logout", "refreshed"]
    /// Urgent announcements kept at most (one per credential ended: far more than any deployment ends at once).
    static let urgentLimit = 100_000

    /// Events queued for sending at most (past it the oldest are dropped and counted).
    static let outboxLimit = 10_000

    let channel: any PeerChannel
    let events: SessionEvents
    let storage: any LiveEventStore
    let tokens: TokenService
    /// MCP sessions another node bound or ended are dropped from this node's cache.
    let mcpSessions: MCPSessionRegistry?
    let nodeID: String
    /// Signs what this node announces and checks what it hears (a forged NOTIFY counts for nothing).
    let signer: PeerAnnouncementSigner
    let clock: any WallClock
    let logger: Logger
    let outbox = Mutex(PeerOutbox(limit: PeerEventRelay.outboxLimit, urgentLimit: PeerEventRelay.urgentLimit))
    let wake: AsyncStream<Void>
    let wakeContinuation: AsyncStream<Void>.Continuation
    let counters = WaitableState(Counters())

    struct Counters {
        var connected = false
        var connections = 0
        var sent = 0
        var received = 0
        var sendFailures = 0
        var rejected = 0
    }

    /// Set while an event heard from another node is published here, so it is not sent back.
    @TaskLocal static var publishingPeerEvent = false

    public init(
        channel: any PeerChannel, events: SessionEvents, storage: any LiveEventStore, tokens: TokenService,
        mcpSessions: MCPSessionRegistry? = nil, nodeID: String, signer: PeerAnnouncementSigner, clock: any WallClock, logger: Logger
    ) {
        self.signer = signer
        self.mcpSessions = mcpSessions
        self.channel = channel
        self.events = events
        self.storage = storage
        self.tokens = tokens
        self.nodeID = nodeID
        self.clock = clock
        self.logger = logger
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A local event (attached to `SessionEvents` by the assembly): queued for the sender.
    public func hear(_ event: LiveEvent) { enqueue(event) }

    /// Returns once what was queued so far has been sent (or failed).
    public func flush() async { await sendPending() }

    /// An MCP session's stored row changed here: the other nodes hear of it before this returns
    /// (so the client's next request, wherever it lands, sees the bound token or the ended session).
    public func announceMCPSessionChange(_ id: String) async {
        enqueue(announcement: ["kind": "mcp_session", "id": .string(id)])
        await sendPending()
    }

    /// A token refreshed away here: the other nodes drop it from their caches before this returns.
    public func announceTokenRefresh(_ digest: String) async {
        enqueue(announcement: ["kind": "refreshed", "digest": .string(digest)])
        await sendPending()
    }

    /// A local event: queued for the sender (the listener must only enqueue).
    func enqueue(_ event: LiveEvent) {
        guard !Self.publishingPeerEvent, let announcement = Self.announcement(of: event) else { return }
        enqueue(announcement: announcement)
    }

    func enqueue(announcement: JSONValue) {
        let urgent = announcement["kind"]?.stringValue.map(Self.urgentKinds.contains) ?? false
        outbox.withLock { $0.enqueue(announcement.compactText, urgent: urgent) }
        wakeContinuation.yield()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.relay() }
        wakeContinuation.finish()
    }

    /// Sends and listens until cancelled.
    public func relay() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.sendQueued() }
            group.addTask { await self.channel.listen(connected: { await self.connected() }, receive: { await self.received($0) }) }
        }
    }

    // MARK: Sending

    func sendQueued() async {
        for await _ in wake {
            await sendPending()
            // Urgent announcements that could not go out are retried until they do.
            var delay = 0.1
            while outbox.withLock({ !$0.urgent.isEmpty }), !Task.isCancelled {
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 5)
                await sendPending()
            }
        }
    }

    /// Sends everything queued, in as few announcements as fit (urgent ones first).
    func sendPending() async {
        while let batch = nextBatch() {
            do {
                try await channel.send(batch.payload)
                counters.update { $0.sent += batch.count }
            } catch {
                if !batch.urgent.isEmpty {
                    outbox.withLock { $0.putBack(batch.taken) }
                    wakeContinuation.yield()
                }
                let failures = counters.update { counters in
                    counters.sendFailures += 1
                    return counters.sendFailures
                }
                // One line per outage, not per event: the first failure and then every 1,000th.
                if failures % 1000 == 1 {
                    logger.warning("cannot announce events to other nodes", metadata: ["error": "\(error)", "failures": "\(failures)"])
                }
                if !batch.urgent.isEmpty { return }  // retried by sendQueued, with back-off
            }
        }
    }

    /// The oldest queued events that fit one announcement (urgent ones first; `PeerOutbox`), signed.
    func nextBatch() -> (payload: String, count: Int, urgent: [String], taken: PeerOutbox.Batch)? {
        let room = PeerAnnouncement.maxBytes - (nodeID.utf8.count + 40 + PeerAnnouncementSigner.overhead)
        guard let (batch, dropped) = outbox.withLock({ $0.nextBatch(room: room) }) else { return nil }
        if dropped > 0 { logger.warning("dropped events queued for other nodes", metadata: ["count": "\(dropped)"]) }
        let node = JSONValue.string(nodeID).compactText
        let body = "{\"node\":\(node),\"events\":[\(batch.texts.joined(separator: ","))]}"
        return (signer.sign(body, now: clock.now()), batch.texts.count, batch.urgent, batch)
    }

    // MARK: Receiving

    func connected() async {
        let reconnect = counters.update { counters in
            counters.connected = true
            counters.connections += 1
            return counters.connections > 1
        }
        // Announcements made while this node was not listening are lost: every long-poll re-reads.
        if reconnect { events.wakeAll() }
    }

    /// An announcement from any node (this one's own come back too and are skipped).
    func received(_ payload: String) async {
        guard let body = signer.open(payload, now: clock.now()) else {
            // Not signed with the deployment's key, stale, or a replay: ignored (and counted).
            let rejected = counters.update { counters in
                counters.rejected += 1
                return counters.rejected
            }
            if rejected % 1000 == 1 { logger.warning("ignored an announcement that is not signed by a node of this deployment, stale or replayed") }
            return
        }
        guard let announcement = try? JSONValue.parse(body), let node = announcement["node"]?.stringValue, node != nodeID,
              let items = announcement["events"]?.arrayValue
        else { return }
        counters.update { $0.received += items.count }
        for item in items {
            do {
                guard let event = try await liveEvent(from: item) else { continue }
                if case .tokenRevoked(let digest) = event { tokens.forget(digest: digest) }
                Self.$publishingPeerEvent.withValue(true) { events.publish(event) }
            } catch {
                // The change is committed but could not be read back: long-polls re-read for themselves.
                logger.warning("cannot read back another node's change", metadata: ["error": "\(error)"])
                events.wakeAll()
            }
        }
    }

    /// The relay's counters for `/metrics` (each becomes the gauge `scs_<name>`).
    public func metrics() -> JSONObject {
        let counters = counters.value
        return [
            "peer_listening": .int(counters.connected ? 1 : 0), "peer_connections": .int(Int64(counters.connections)),
            "peer_events_sent": .int(Int64(counters.sent)), "peer_events_received": .int(Int64(counters.received)),
            "peer_send_failures": .int(Int64(counters.sendFailures)),
            "peer_events_queued": .int(Int64(outbox.withLock { $0.count })),
            "peer_announcements_rejected": .int(Int64(counters.rejected)),
        ]
    }

    /// What `/health` shows of the relay.
    public func status() -> JSONObject {
        Self.status(counters.value, queued: outbox.withLock { $0.count })
    }

    /// True once the relay's counters (as `status()` names them, without `queued`) pass `test`;
    /// false after `timeout` seconds. Tests wait on this instead of polling.
    public func waitForStatus(timeout: Double, until test: @escaping @Sendable (JSONObject) -> Bool) async -> Bool {
        await counters.wait(timeout: timeout) { test(Self.status($0, queued: 0)) }
    }

    static func status(_ counters: Counters, queued: Int) -> JSONObject {
        [
            "channel": "postgresql LISTEN/NOTIFY", "listening": .bool(counters.connected),
            "connections": .int(Int64(counters.connections)), "events_sent": .int(Int64(counters.sent)),
            "events_received": .int(Int64(counters.received)), "send_failures": .int(Int64(counters.sendFailures)),
            "queued": .int(Int64(queued)), "rejected": .int(Int64(counters.rejected)),
        ]
    }
}

/// ServiceLifecycle logs each service: by name only.
extension PeerEventRelay: CustomStringConvertible {
    public var description: String { "PeerEventRelay" }
}
