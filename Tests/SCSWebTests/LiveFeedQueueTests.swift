import SCSCore
import SCSTools
import Synchronization
import Testing

@testable import SCSWeb

@Suite("The live feed's per-socket queue bound")
struct LiveFeedQueueTests {
    /// A subscriber whose writer never runs: everything sent stays queued.
    static func stalled() -> (LiveFeed, LiveFeed.Subscriber, AsyncStream<LiveFeed.Outgoing>) {
        let feed = LiveFeed(events: SessionEvents(), clock: SystemClock())
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
        #expect(subscriber.queued.value.load(ordering: .relaxed) > LiveFeed.queueByteLimit)
    }

    @Test("bytes the writer has written no longer count")
    func written() async {
        let (feed, subscriber, stream) = Self.stalled()
        let big = String(repeating: "y", count: 6 << 20)
        var iterator = stream.makeAsyncIterator()
        for _ in 0..<6 {
            feed.send(.text(big), to: subscriber)
            guard case .text(let text) = await iterator.next() else { Issue.record("the queue ended"); return }
            subscriber.queued.value.subtract(text.utf8.count, ordering: .relaxed)  // what LiveFeedSocket.write does
        }
        #expect(subscriber.queued.value.load(ordering: .relaxed) == 0)
        subscriber.queue.finish()
        let after = await iterator.next()
        #expect(after == nil)
    }
}
