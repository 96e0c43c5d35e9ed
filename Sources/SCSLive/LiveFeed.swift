package import Foundation
public import SCSCore
package import Synchronization

/// The fan-out of the dashboard's live feed (`WS /ws/{session_id}`; docs/DASHBOARD.md, "Live
/// feed"): the open sockets by session, each with its viewer, fed from the one event source every
/// other live path uses (a listener of `SessionEvents`); the dashboard renders the payloads. Each event is filtered per viewer by the same visibility rule as the tools, and each
/// socket has a bounded queue: a consumer that falls that far behind is closed and resumes.
public final class LiveFeed: LiveEventListener {
    /// Messages, and bytes, waiting for one socket before it counts as too slow. The byte bound
    /// is twice what one `after_id` replay may queue (8 MiB), so a replay alone never trips it.
    public static let queueLimit = 256
    public static let queueByteLimit = 16 << 20
    /// Open sockets in all, and per viewer.
    public static let maxSockets = 2_000
    public static let maxSocketsPerViewer = 32
    /// Missed messages one `after_id` subscribe replays (more: the client reloads the page).
    public static let replayLimit = 200
    /// Replays go out a page at a time, the next page once the socket's queue drained below
    /// `replayLowWater` bytes.
    package static let replayPage = 50
    package static let replayLowWater = 256 << 10
    /// Bytes queued for all sockets together: past it, the socket that would go over is closed
    /// as too slow (it resumes with `after_id`).
    public static let totalQueueByteLimit = 256 << 20
    /// How often an open socket's credential is checked again (a token that expired, a login
    /// that ended on a node whose announcement was lost).
    public static let recheckInterval: Duration = .seconds(20)

    /// The WebSocket close code of a socket whose credential ended.
    package static let unauthenticated: UInt16 = 4401

    /// What `viewer` is sent for an event at `now` (nothing when it may not see it); payloads the
    /// same for many viewers are encoded once per event (`cache`).
    public typealias Renderer = @Sendable (_ event: LiveEvent, _ viewer: AgentIdentity, _ now: Double, _ cache: inout [String: String]) -> [String]

    package enum Outgoing: Sendable {
        case text(String)
        case close(code: UInt16, reason: String)
    }

    package struct Subscriber: Sendable {
        package var sessionID: String
        package var identity: AgentIdentity
        package var loginID: String?
        package var tokenDigest: String?
        package var queue: AsyncStream<Outgoing>.Continuation
        package var queued: QueuedBytes

        package init(
            sessionID: String, identity: AgentIdentity, loginID: String? = nil, tokenDigest: String? = nil, queue: AsyncStream<Outgoing>.Continuation,
            queued: QueuedBytes
        ) {
            (self.sessionID, self.identity, self.loginID, self.tokenDigest, self.queue, self.queued) =
                (sessionID, identity, loginID, tokenDigest, queue, queued)
        }
    }

    /// Bytes queued for one socket and not written yet (added on enqueue, taken off by its writer),
    /// and a count of writes that a replay waits on until the queue is below its low-water mark.
    package final class QueuedBytes: Sendable {
        package let value = Atomic<Int>(0)
        package let drained = WaitableState(0)
        /// Set while a replay waits on `drained` (only then does a write touch it).
        package let replaying = Atomic<Bool>(false)

        package init() {}
    }

    /// Every open socket (subscribed or not) with the credential it holds, so that a revoked
    /// token or an ended login closes all of them.
    package struct Watch: Sendable {
        var loginID: String?
        var tokenDigest: String?
        var queue: AsyncStream<Outgoing>.Continuation

        package init(loginID: String?, tokenDigest: String?, queue: AsyncStream<Outgoing>.Continuation) {
            (self.loginID, self.tokenDigest, self.queue) = (loginID, tokenDigest, queue)
        }
    }

    struct State {
        var sockets: [UUID: Watch] = [:]
        var sessions: [String: [UUID: Subscriber]] = [:]
        /// Sockets per viewer key (login, token, or the peer address of a socket not signed in yet).
        var perViewer: [String: Int] = [:]
        var open = 0
    }

    let state = Mutex(State())
    let clock: any WallClock
    let render: Renderer
    /// Bytes queued for every socket together.
    let totalQueued = Atomic<Int>(0)

    public init(clock: any WallClock, render: @escaping Renderer) {
        self.clock = clock
        self.render = render
    }

    /// Sockets open now (for `/health` and tests).
    public var openSockets: Int { state.withLock { $0.open } }

    /// Takes a place for a new socket; false when the server or this viewer has no more.
    package func admit(viewerKey: String) -> Bool {
        state.withLock { state in
            guard state.open < Self.maxSockets, state.perViewer[viewerKey, default: 0] < Self.maxSocketsPerViewer else { return false }
            state.open += 1
            state.perViewer[viewerKey, default: 0] += 1
            return true
        }
    }

    /// Moves a socket's place from one viewer to another (a socket that signed in with its first
    /// message); false, and nothing moved, when the new viewer has no more places.
    package func move(from old: String, to new: String) -> Bool {
        state.withLock { state in
            guard old != new else { return true }
            guard state.perViewer[new, default: 0] < Self.maxSocketsPerViewer else { return false }
            let left = state.perViewer[old, default: 1] - 1
            state.perViewer[old] = left > 0 ? left : nil
            state.perViewer[new, default: 0] += 1
            return true
        }
    }

    package func release(viewerKey: String) {
        state.withLock { state in
            state.open -= 1
            let left = state.perViewer[viewerKey, default: 1] - 1
            state.perViewer[viewerKey] = left > 0 ? left : nil
        }
    }

    /// Records (or updates) the credential an open socket holds.
    package func track(_ id: UUID, _ watch: Watch) {
        state.withLock { $0.sockets[id] = watch }
    }

    package func untrack(_ id: UUID) {
        _ = state.withLock { $0.sockets.removeValue(forKey: id) }
    }

    /// Bytes queued for every socket now (for `/health` and tests).
    public var queuedBytes: Int { totalQueued.load(ordering: .relaxed) }

    package func subscribe(_ id: UUID, _ subscriber: Subscriber) {
        state.withLock { $0.sessions[subscriber.sessionID, default: [:]][id] = subscriber }
    }

    package func unsubscribe(_ id: UUID, sessionID: String) {
        state.withLock { state in
            state.sessions[sessionID]?[id] = nil
            if state.sessions[sessionID]?.isEmpty == true { state.sessions[sessionID] = nil }
        }
    }

    /// One event to every socket that may see it (runs on the publisher's thread: only enqueues).
    public func hear(_ event: LiveEvent) {
        switch event {
        case .tokenRevoked(let digest):
            closeAll(code: Self.unauthenticated, reason: "token revoked") { $0.tokenDigest == digest }
            return
        case .loginEnded(let id):
            closeAll(code: Self.unauthenticated, reason: "signed out") { $0.loginID == id }
            return
        default: break
        }
        guard let sessionID = event.sessionID else { return }
        let subscribers = state.withLock { Array(($0.sessions[sessionID] ?? [:]).values) }
        guard !subscribers.isEmpty else { return }
        var cache: [String: String] = [:]
        let now = clock.now()
        for subscriber in subscribers {
            for text in render(event, subscriber.identity, now, &cache) {
                send(.text(text), to: subscriber)
            }
        }
    }

    /// Enqueues, or closes the socket when its queue is full in messages or bytes, or when every
    /// socket together holds too many bytes (the client resumes with `after_id`).
    package func send(_ item: Outgoing, to subscriber: Subscriber) {
        if case .text(let text) = item {
            let size = text.utf8.count
            let total = totalQueued.add(size, ordering: .relaxed).newValue
            let own = subscriber.queued.value.add(size, ordering: .relaxed).newValue
            guard own <= Self.queueByteLimit, total <= Self.totalQueueByteLimit else {
                totalQueued.subtract(size, ordering: .relaxed)
                subscriber.queued.value.subtract(size, ordering: .relaxed)
                subscriber.queue.finish()
                return
            }
            if case .enqueued = subscriber.queue.yield(item) { return }
            // Full (or already closed): nothing was queued. The writer sees the end and closes as "too slow".
            totalQueued.subtract(size, ordering: .relaxed)
            subscriber.queued.value.subtract(size, ordering: .relaxed)
            subscriber.queue.finish()
            return
        }
        if case .dropped = subscriber.queue.yield(item) { subscriber.queue.finish() }
    }

    /// A socket's writer sent `size` bytes.
    package func written(_ size: Int, queued: QueuedBytes) {
        totalQueued.subtract(size, ordering: .relaxed)
        queued.value.subtract(size, ordering: .relaxed)
        if queued.replaying.load(ordering: .relaxed) { queued.drained.update { $0 &+= 1 } }
    }

    func closeAll(code: UInt16, reason: String, where matches: (Watch) -> Bool) {
        let targets = state.withLock { $0.sockets.values.filter(matches) }
        for target in targets {
            target.queue.yield(.close(code: code, reason: reason))
            target.queue.finish()
        }
    }
}
