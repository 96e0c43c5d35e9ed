/// The life of one storage operation under its deadline, as a pure state machine
/// (docs/POSTGRESQL.md, "Outages"): it waits for a pooled connection, runs on it, and is answered
/// once — with its own result, or with `DATABASE_UNAVAILABLE` as soon as its connection closes or
/// its deadline passes, whichever comes first. `PostgresDeadline` feeds it events and carries out
/// the actions it returns; tests check it as a value.
struct StatementWatch: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        /// Waiting for the pool to lend a connection.
        case leasing
        /// Running on a connection.
        case running
        /// Answered: every later event changes nothing.
        case answered
    }

    enum Event: Sendable, Equatable {
        /// The pool lent the operation a connection.
        case leased
        /// The connection the operation runs on closed.
        case connectionClosed
        /// The deadline passed.
        case deadlinePassed
        /// The operation's body returned or threw.
        case finished
    }

    enum Reason: Sendable, Equatable {
        case connectionLost, timedOut
    }

    enum Action: Sendable, Equatable {
        case none
        /// Answer the caller with the body's result; stop the timer.
        case answer
        /// Answer the caller with an unavailable error now; stop the timer and cancel the body,
        /// which ends by itself (the pool replaces the connection).
        case abandon(Reason)
    }

    private(set) var phase = Phase.leasing

    mutating func handle(_ event: Event) -> Action {
        switch (phase, event) {
        case (.answered, _):
            return .none
        case (_, .finished):
            phase = .answered
            return .answer
        case (.leasing, .leased):
            phase = .running
            return .none
        case (.running, .leased), (.leasing, .connectionClosed):
            return .none
        case (.running, .connectionClosed):
            phase = .answered
            return .abandon(.connectionLost)
        case (_, .deadlinePassed):
            phase = .answered
            return .abandon(.timedOut)
        }
    }
}
