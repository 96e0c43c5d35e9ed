import Testing

@testable import SCSStoragePostgres

/// The PostgreSQL deadline's decisions, as values: every path answers the caller exactly once.
@Suite("A PostgreSQL operation under its deadline (StatementWatch)")
struct StatementWatchTests {
    func run(_ events: [StatementWatch.Event]) -> [StatementWatch.Action] {
        var watch = StatementWatch()
        return events.map { watch.handle($0) }
    }

    @Test("an operation that finishes is answered with its result, once")
    func finishes() {
        #expect(run([.leased, .finished, .deadlinePassed, .connectionClosed]) == [.none, .answer, .none, .none])
        #expect(run([.finished, .finished]) == [.answer, .none])
    }

    @Test("its connection closing answers it at once (connection lost), and its own answer later counts for nothing")
    func connectionLost() {
        #expect(run([.leased, .connectionClosed, .finished, .deadlinePassed]) == [.none, .abandon(.connectionLost), .none, .none])
    }

    @Test("a closing heard before it has a connection is not its own")
    func closingBeforeLease() {
        #expect(run([.connectionClosed, .leased, .finished]) == [.none, .none, .answer])
    }

    @Test("the deadline answers it whether it waits for a connection or runs on one")
    func deadline() {
        #expect(run([.deadlinePassed, .leased, .finished]) == [.abandon(.timedOut), .none, .none])
        #expect(run([.leased, .deadlinePassed, .connectionClosed]) == [.none, .abandon(.timedOut), .none])
    }
}
