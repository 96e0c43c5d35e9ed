import PostgresNIO
import SCSStorage
import Synchronization

/// A bound on how long one storage operation may take (docs/POSTGRESQL.md, "Outages"). When the
/// server dies mid-statement, PostgresNIO can leave the statement waiting forever on the closed
/// connection; so the caller is answered with a retryable `StorageError(.unavailable)` as soon
/// as the operation's connection is seen closed (checked every 100 ms) or `seconds` have passed,
/// and the operation is cancelled and left to end by itself (the pool replaces the connection).
final class PostgresDeadline<T: Sendable>: Sendable {
    struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var connection: PostgresConnection?
        var work: Task<Void, Never>?
        var watchdog: Task<Void, Never>?
    }

    let state = Mutex(State())

    /// The connection the operation runs on, once it has one (watched for closing).
    func watch(_ connection: PostgresConnection) {
        state.withLock { $0.connection = connection }
    }

    /// Answers the caller once; the first answer wins, and the watchdog stops.
    func finish(_ result: Result<T, any Error>) {
        let (continuation, watchdog) = state.withLock { ($0.continuation.take(), $0.watchdog.take()) }
        watchdog?.cancel()
        continuation?.resume(with: result)
    }

    /// Gives up on the operation: the caller is answered with `error` and the work is cancelled.
    func abandon(_ error: StorageError) {
        let work = state.withLock { $0.work }
        work?.cancel()
        finish(.failure(error))
    }

    static func run(seconds: Double, _ body: @escaping @Sendable (PostgresDeadline<T>) async throws -> T) async throws -> T {
        let deadline = PostgresDeadline<T>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            deadline.state.withLock { $0.continuation = continuation }
            let watchdog = Task {
                let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
                while ContinuousClock.now < end {
                    do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
                    if deadline.state.withLock({ $0.connection?.isClosed ?? false }) {
                        return deadline.abandon(StorageError(.unavailable, "the connection to the database was lost"))
                    }
                }
                deadline.abandon(StorageError(.unavailable, "the database did not answer within \(seconds) s"))
            }
            deadline.state.withLock { $0.watchdog = watchdog }
            let work = Task {
                do { deadline.finish(.success(try await body(deadline))) } catch { deadline.finish(.failure(error)) }
            }
            deadline.state.withLock { $0.work = work }
        }
    }
}
