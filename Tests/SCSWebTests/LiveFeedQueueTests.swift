import SCSCore
import SCSLive
import Synchronization
import Testing

@testable import SCSWeb

@Suite("The live feed's per-socket queue bound")
struct LiveFeedQueueTests {
    /// A subscriber whose writer never runs: everything sent stays queued.
    static func stalled() -> (LiveFeed, LiveFeed.Subscriber, AsyncStream<LiveFeed.Outgoing>) {
        let feed = LiveFeed.dashboard(clock: SystemClock())
        let (stream, continuation) = AsyncStream<LiveFeed.Outgoing>.makeStream(bufferingPolicy: .bufferingOldest(LiveFeed.queueLimit))
        let subscriber = LiveFeed.Subscriber(
            sessionID: "s", identity: AgentIdentity(agentID: "viewer", agentType: "claude", permissions: [.read]),
            queue: continuation, queued: LiveFeed.QueuedBytes())
        return (feed, subscriber, stream)
    }

    static func drain(_ stream: AsyncStream<LiveFeed.Outgoing>) async -> Int {
        var count = 0
        for await _ in stream { count += 1 }  // ends only because the queue was finished
        return count
    }

    @Test("past queueLimit messages the socket's queue ends (its writer closes it as too slow)")
    func countBound() async {
        let (feed, subscriber, stream) = Self.stalled()
        for n in 0...LiveFeed.queueLimit { feed.send(.text("event \(n)"), to: subscriber) }
        #expect(await Self.drain(stream) == LiveFeed.queueLimit)
    }

    @Test("past queueByteLimit bytes the queue ends, though far fewer than queueLimit messages wait")
    func byteBound() async {
        let (feed, subscriber, stream) = Self.stalled()
        let big = String(repeating: "x", count: 3 << 20)
        for _ in 0..<8 { feed.send(.text(big), to: subscriber) }
        // 5 × 3 MiB fit under 16 MiB; the sixth would not, and ends the queue.
        #expect(await Self.drain(stream) == 5)
        // What did not fit was never counted: 5 × 3 MiB wait, for this socket and server-wide.
        #expect(subscriber.queued.value.load(ordering: .relaxed) == 5 * (3 << 20))
        #expect(feed.queuedBytes == 5 * (3 << 20))
    }

    @Test("bytes the writer has written no longer count")
    func written() async {
        let (feed, subscriber, stream) = Self.stalled()
        let big = String(repeating: "y", count: 6 << 20)
        var iterator = stream.makeAsyncIterator()
        for _ in 0..<6 {
            feed.send(.text(big), to: subscriber)
            guard case .text(let text) = await iterator.next() else { Issue.record("the queue ended"); return }
            feed.written(text.utf8.count, queued: subscriber.queued)  // what LiveFeedSocket.write does
        }
        #expect(subscriber.queued.value.load(ordering: .relaxed) == 0)
        #expect(feed.queuedBytes == 0)
        subscriber.queue.finish()
        let after = await iterator.next()
        #expect(after == nil)
    }

    @Test("past the server-wide byte budget the socket that would go over is closed; the others keep theirs")
    func serverWideBound() async {
        let feed = LiveFeed.dashboard(clock: SystemClock())
        let big = String(repeating: "z", count: 8 << 20)
        var streams: [AsyncStream<LiveFeed.Outgoing>] = []
        var subscribers: [LiveFeed.Subscriber] = []
        // Each socket stays under its own 16 MiB; together 40 sockets would hold 320 MiB.
        for n in 0..<40 {
            let (stream, continuation) = AsyncStream<LiveFeed.Outgoing>.makeStream(bufferingPolicy: .bufferingOldest(LiveFeed.queueLimit))
            let subscriber = LiveFeed.Subscriber(
                sessionID: "s\(n)", identity: AgentIdentity(agentID: "v\(n)", agentType: "claude", permissions: [.read]),
                queue: continuation, queued: LiveFeed.QueuedBytes())
            feed.send(.text(big), to: subscriber)
            feed.send(.text(big), to: subscriber)
            streams.append(stream)
            subscribers.append(subscriber)
        }
        #expect(feed.queuedBytes <= LiveFeed.totalQueueByteLimit)
        #expect(feed.queuedBytes == LiveFeed.totalQueueByteLimit / (8 << 20) * (8 << 20))
        for subscriber in subscribers { subscriber.queue.finish() }
        var delivered = 0
        for stream in streams { delivered += await Self.drain(stream) }
        #expect(delivered * (8 << 20) == feed.queuedBytes)
    }
}
