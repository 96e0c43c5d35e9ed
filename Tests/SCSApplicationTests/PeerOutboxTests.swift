import Testing

@testable import SCSApplication

/// The peer relay's queue as values: order, room, urgency, dropping and putting back.
@Suite("What a node has yet to announce (PeerOutbox)")
struct PeerOutboxTests {
    @Test("a batch takes the oldest events that fit the room, in order; the rest wait for the next")
    func batchesFitTheRoom() throws {
        var outbox = PeerOutbox(limit: 100, urgentLimit: 100)
        for n in 0..<10 { outbox.enqueue("event-\(n)", urgent: false) }  // 7 bytes + a comma each
        let taken = outbox.nextBatch(room: 32)
        let first = try #require(taken)
        #expect(first.batch.texts == ["event-0", "event-1", "event-2", "event-3"] && first.batch.urgent.isEmpty)
        #expect(outbox.count == 6)
        var rest: [String] = []
        while let next = outbox.nextBatch(room: 32) { rest += next.batch.texts }
        #expect(rest == (4..<10).map { "event-\($0)" } && outbox.isEmpty)
    }

    @Test("urgent announcements go first and alone until none is left; a failed send puts them back in front")
    func urgentFirst() throws {
        var outbox = PeerOutbox(limit: 100, urgentLimit: 100)
        outbox.enqueue("message", urgent: false)
        outbox.enqueue("revoked-1", urgent: true)
        outbox.enqueue("revoked-2", urgent: true)
        let taken = outbox.nextBatch(room: 1_000)
        let batch = try #require(taken).batch
        #expect(batch.texts == ["revoked-1", "revoked-2", "message"] && batch.urgent == ["revoked-1", "revoked-2"])
        outbox.enqueue("revoked-3", urgent: true)
        outbox.putBack(batch)
        let again = outbox.nextBatch(room: 1_000)
        #expect(try #require(again).batch.texts == ["revoked-1", "revoked-2", "revoked-3"])
    }

    @Test("past the limit the oldest events are dropped and counted once; urgent ones make room only among themselves")
    func dropping() throws {
        var outbox = PeerOutbox(limit: 3, urgentLimit: 2)
        for n in 0..<5 { outbox.enqueue("e\(n)", urgent: false) }
        for n in 0..<3 { outbox.enqueue("u\(n)", urgent: true) }
        #expect(outbox.count == 5 && outbox.dropped == 2)
        let taken = outbox.nextBatch(room: 1_000)
        let first = try #require(taken)
        #expect(first.batch.texts == ["u1", "u2", "e2", "e3", "e4"] && first.dropped == 2)
        let none = outbox.nextBatch(room: 1_000)
        #expect(outbox.dropped == 0 && none == nil)
    }

    @Test("a single announcement larger than the room is dropped, not sent and not stuck")
    func oversized() throws {
        var outbox = PeerOutbox(limit: 10, urgentLimit: 10)
        outbox.enqueue(String(repeating: "x", count: 100), urgent: false)
        outbox.enqueue("small", urgent: false)
        let taken = outbox.nextBatch(room: 20)
        #expect(try #require(taken).batch.texts == ["small"])
        #expect(outbox.isEmpty)
    }
}
