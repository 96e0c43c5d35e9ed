import SCSStorage
import Synchronization
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

/// Operations on the storage's runners under their deadline, without a database: a hung one is
/// answered at its deadline and its runner replaced, so the next ones still run.
@Suite("PostgreSQL operations on their runners (StatementRunners, PostgresDeadline)")
struct StatementRunnersTests {
    @Test("one runner: an operation that hangs (deaf to cancellation) times out, and the next ones still run on its replacement")
    func hungOperationIsReplaced() async throws {
        let runners = StatementRunners(count: 1)
        runners.start()
        let closings = ConnectionClosings()
        let hung = Mutex<UnsafeContinuation<Void, Never>?>(nil)
        await #expect(throws: StorageError.self) {
            try await PostgresDeadline<Int>.run(seconds: 0.2, closings: closings, runners: runners) { _ in
                await withUnsafeContinuation { continuation in hung.withLock { $0 = continuation } }  // answers only when the test ends
                return 0
            }
        }
        for n in 1...5 {
            let answer = try await PostgresDeadline<Int>.run(seconds: 30, closings: closings, runners: runners) { _ in n }
            #expect(answer == n)
        }
        hung.withLock { $0?.resume() }
        await runners.close()
    }

    @Test("closed runners refuse new operations with an unavailable error instead of leaving them waiting")
    func closed() async throws {
        let runners = StatementRunners(count: 2)
        runners.start()
        await runners.close()
        await #expect(throws: StorageError.self) {
            try await PostgresDeadline<Int>.run(seconds: 30, closings: ConnectionClosings(), runners: runners) { _ in 1 }
        }
    }
}
