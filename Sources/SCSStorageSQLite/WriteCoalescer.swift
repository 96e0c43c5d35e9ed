import CoreMetrics
import Dispatch
import GRDB
import SCSCore
import Synchronization

/// Group commit: writes submitted while another batch is committing are run together in the next
/// single transaction, each inside its own savepoint (one failing write rolls back only itself).
/// Every caller gets its result only after the batch committed, so nothing acknowledged can be
/// lost; order of submission is the order of execution (ids follow commit order).
final class WriteCoalescer: Sendable {
    struct Job: Sendable {
        /// Runs the write inside the batch's transaction; returns how to answer the caller.
        let run: @Sendable (Database) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    struct State {
        var pending: [Job] = []
        var draining = false
        var checkpointRequested = false
        var batchesSincePass = 0
    }

    let pool: DatabasePool
    let state = Mutex(State())
    /// Writes per committed batch (`scs_sqlite_commit_batch_size` on `/metrics`).
    private let batchSizes = Recorder(label: "scs_sqlite_commit_batch_size", aggregate: true)
    /// The drain loop runs here, off Swift's cooperative pool: there it waited behind request
    /// handlers for a thread after every batch (about 1 ms between batches at 32 agents, with the
    /// writer idle), so throughput was bounded by scheduling, not by SQLite.
    let drainQueue = DispatchQueue(label: "scs.write-coalescer")
    /// Largest number of writes in one transaction.
    let maximumBatch = 256
    /// Batches after which the writer folds the WAL even without a background pass first.
    let passEvery = 1_024
    /// WAL frames (4 KB pages) from which the background pass asks the writer to fold the WAL.
    /// The writer's pass pauses writes for its two fsyncs (15-30 ms on a small VM), so it runs
    /// when the WAL holds about 32 MB, not after every background pass (twice a second).
    static let foldFrames = 8_192

    init(pool: DatabasePool) { self.pool = pool }

    func submit<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    do {
                        try db.cachedStatement(sql: "SAVEPOINT scs_write").execute()
                        do {
                            let value = try body(db)
                            try db.cachedStatement(sql: "RELEASE SAVEPOINT scs_write").execute()
                            return { continuation.resume(returning: value) }
                        } catch {
                            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT scs_write").execute()
                            try db.cachedStatement(sql: "RELEASE SAVEPOINT scs_write").execute()
                            return { continuation.resume(throwing: error) }
                        }
                    } catch {
                        return { continuation.resume(throwing: error) }
                    }
                },
                fail: { continuation.resume(throwing: $0) })
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { drainQueue.async { self.drain() } }
        }
    }

    /// Asks for a short PASSIVE checkpoint by the writer between two batches (after the first
    /// batch that ends from now on, callers already answered). The background `Checkpointer` calls
    /// this after a bulk pass that found `foldFrames` or more frames in the WAL: its own pass can
    /// never catch up with a steady stream of commits
    /// (some frame is always newer), so SQLite would never start the WAL over and the file — and
    /// every page lookup in it — would grow without bound. The writer's pass copies only the frames
    /// committed since the bulk pass, so the next transaction finds the WAL fully folded and
    /// restarts it.
    func requestCheckpoint() {
        state.withLock { $0.checkpointRequested = true }
    }

    /// Runs batches until none is pending (blocking calls: this is the coalescer's own queue).
    private func drain() {
        while true {
            let jobs = state.withLock { state -> [Job] in
                let batch = Array(state.pending.prefix(maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if jobs.isEmpty { return }
            batchSizes.record(jobs.count)
            do {
                let answers = try pool.write { db in jobs.map { $0.run(db) } }
                answers.forEach { $0() }
            } catch {
                jobs.forEach { $0.fail(error) }
            }
            // Normally after a background pass; also every `passEvery` batches in case those passes
            // are late or fail, so the WAL stays bounded without them.
            let checkpointDue = state.withLock { state -> Bool in
                state.batchesSincePass += 1
                guard state.checkpointRequested || state.batchesSincePass >= passEvery else { return false }
                state.checkpointRequested = false
                state.batchesSincePass = 0
                return true
            }
            // A failed pass (a reader still on an old snapshot) only means the next one copies more.
            if checkpointDue { _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.passive) } }
        }
    }
}
