import NIOCore
import NIOPosix
import PostgresNIO
import SCSStorage
import Synchronization

/// A bound on how long one storage operation may take (docs/POSTGRESQL.md, "Outages"). When the
/// server dies mid-statement, PostgresNIO can leave the statement waiting on the closed
/// connection; so the caller is answered with a retryable `StorageError(.unavailable)` as soon as
/// the operation's connection closes or `seconds` have passed, and the operation is cancelled
/// and left to end by itself. The decisions are `StatementWatch`'s; the deadline is an event-loop
/// timer and a closing is heard from the connection (`ConnectionClosings`): nothing polls. The
/// body runs on one of the storage's `StatementRunners`, so that a caller is answered even while
/// its statement hangs; the runner of an operation given up on is cancelled and replaced.
final class PostgresDeadline<T: Sendable>: Sendable {
    struct State {
        var watch = StatementWatch()
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        /// The runner the operation runs on, once one took it.
        var runner: Int?
        var timer: Scheduled<Void>?
        var connection: ObjectIdentifier?
    }

    let state = Mutex(State())
    let seconds: Double
    let closings: ConnectionClosings
    let runners: StatementRunners

    init(seconds: Double, closings: ConnectionClosings, runners: StatementRunners) {
        self.seconds = seconds
        self.closings = closings
        self.runners = runners
    }

    /// The connection the operation runs on, once it has one (its closing ends the operation).
    func watch(_ connection: PostgresConnection) {
        let id = ObjectIdentifier(connection)
        state.withLock { $0.connection = id }
        handle(.leased)
        if !closings.watch(connection, id: id, operation: self, { [weak self] in self?.handle(.connectionClosed) }) {
            handle(.connectionClosed)
        }
    }

    /// Feeds `event` to the state machine and carries out what it decides.
    func handle(_ event: StatementWatch.Event, result: Result<T, any Error>? = nil) {
        typealias Effects = (
            StatementWatch.Action, CheckedContinuation<T, any Error>?, Int?, Scheduled<Void>?, ObjectIdentifier?,
            Result<T, any Error>?
        )
        let (action, continuation, runner, timer, connection, stored) = state.withLock { state in
            if let result { state.result = result }
            let action = state.watch.handle(event)
            guard action != .none else { return (action, nil, nil, nil, nil, nil) as Effects }
            return (action, state.continuation.take(), state.runner.take(), state.timer.take(), state.connection.take(), state.result.take())
        }
        switch action {
        case .none:
            return
        case .answer:
            timer?.cancel()
            if let connection { closings.forget(connection, self) }
            continuation?.resume(with: stored ?? .failure(StorageError(.unavailable, "the database operation ended without an answer")))
        case .abandon(let reason):
            timer?.cancel()
            if let connection { closings.forget(connection, self) }
            if let runner { runners.replace(runner) }
            continuation?.resume(throwing: reason == .connectionLost
                ? StorageError(.unavailable, "the connection to the database was lost")
                : StorageError(.unavailable, "the database did not answer within \(seconds) s"))
        }
    }

    static func run(
        seconds: Double, closings: ConnectionClosings, runners: StatementRunners,
        _ body: @escaping @Sendable (PostgresDeadline<T>) async throws -> T
    ) async throws -> T {
        let deadline = PostgresDeadline<T>(seconds: seconds, closings: closings, runners: runners)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                deadline.handle(.deadlinePassed)
            }
            deadline.state.withLock { state in
                state.continuation = continuation
                state.timer = timer
            }
            let queued = runners.submit { runner in
                // Given up on while it waited in the queue: nothing to run.
                let taken = deadline.state.withLock { state -> Bool in
                    guard state.watch.phase != .answered else { return false }
                    state.runner = runner
                    return true
                }
                guard taken else { return }
                let result: Result<T, any Error>
                do { result = .success(try await body(deadline)) } catch { result = .failure(error) }
                deadline.handle(.finished, result: result)
            }
            if !queued { deadline.handle(.finished, result: .failure(StorageError(.unavailable, "the database connection is closed"))) }
        }
    }
}

/// Who waits on which pooled connection: one close callback per connection (not one per
/// statement, which would pile up on a long-lived connection), which ends every operation
/// running on it when it closes.
final class ConnectionClosings: Sendable {
    struct Watched {
        var operations: [ObjectIdentifier: @Sendable () -> Void] = [:]
    }

    let connections = Mutex<[ObjectIdentifier: Watched]>([:])

    /// Calls `closed` when `connection` closes while `operation` still watches it; false when it
    /// is closed already.
    func watch(_ connection: PostgresConnection, id: ObjectIdentifier, operation: AnyObject, _ closed: @escaping @Sendable () -> Void) -> Bool {
        guard !connection.isClosed else { return false }
        let first = connections.withLock { connections -> Bool in
            let first = connections[id] == nil
            connections[id, default: Watched()].operations[ObjectIdentifier(operation)] = closed
            return first
        }
        if first {
            connection.closeFuture.whenComplete { [weak self] _ in
                guard let watched = self?.connections.withLock({ $0.removeValue(forKey: id) }) else { return }
                for closed in watched.operations.values { closed() }
            }
        }
        return true
    }

    /// `operation` no longer runs on the connection.
    func forget(_ id: ObjectIdentifier, _ operation: AnyObject) {
        connections.withLock { connections in _ = connections[id]?.operations.removeValue(forKey: ObjectIdentifier(operation)) }
    }
}
