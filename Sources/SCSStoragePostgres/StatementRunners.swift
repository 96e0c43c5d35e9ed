import DequeModule
import Synchronization

/// The tasks that run PostgreSQL operations (docs/POSTGRESQL.md, "Outages"): as many as the pool
/// has connections, started by `PostgresStorage.open` and ended by `close` — not a task per
/// statement. A caller queues its operation and waits on its own deadline (`PostgresDeadline`);
/// an operation given up on has its runner cancelled and replaced, so that a statement that hangs
/// holds one runner, as it holds one connection, and the others go on.
final class StatementRunners: Sendable {
    typealias Job = @Sendable (_ runner: Int) async -> Void

    struct State {
        var jobs = Deque<Job>()
        var idle: [CheckedContinuation<Job?, Never>] = []
        var tasks: [Int: Task<Void, Never>] = [:]
        var nextRunner = 0
        var closed = false
    }

    let state = Mutex(State())
    let count: Int

    init(count: Int) { self.count = max(1, count) }

    /// Starts the runners.
    func start() {
        for _ in 0..<count { startRunner() }
    }

    /// Queues `job`; false once closed (nothing runs it).
    func submit(_ job: @escaping Job) -> Bool {
        let idle = state.withLock { state -> CheckedContinuation<Job?, Never>?? in
            guard !state.closed else { return .none }
            if !state.idle.isEmpty { return .some(state.idle.removeLast()) }
            state.jobs.append(job)
            return .some(nil)
        }
        guard let idle else { return false }
        idle?.resume(returning: job)
        return true
    }

    /// The operation runner `id` runs was given up on: the runner is cancelled (its operation with
    /// it) and no longer awaited, and a new one takes its place.
    func replace(_ id: Int) {
        let task = state.withLock { $0.tasks.removeValue(forKey: id) }
        guard let task else { return }
        task.cancel()
        startRunner()
    }

    /// Ends every runner once the operations queued so far have run.
    func close() async {
        let (idle, tasks) = state.withLock { state in
            state.closed = true
            defer { state.idle.removeAll() }
            return (state.idle, Array(state.tasks.values))
        }
        for continuation in idle { continuation.resume(returning: nil) }
        for task in tasks { await task.value }
    }

    func startRunner() {
        state.withLock { state in
            guard !state.closed else { return }
            let id = state.nextRunner
            state.nextRunner += 1
            state.tasks[id] = Task { [self] in
                while !Task.isCancelled, let job = await next() { await job(id) }
            }
        }
    }

    /// The next queued operation, waiting for one; nil once closed and drained.
    func next() async -> Job? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Job?, Never>) in
            let ready = state.withLock { state -> Job?? in
                if let job = state.jobs.popFirst() { return .some(job) }
                if state.closed { return .some(nil) }
                state.idle.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
