public import SCSCore
public import SCSStorage

/// Deletes expired memory entries on a schedule and reports each batch (the memory worker turns
/// them into `memory.expired` events). Time comes from the injected clock.
public struct MemorySweeper: Sendable {
    let store: any MemoryStore
    let clock: any WallClock
    /// Seconds between sweeps.
    public let interval: Double
    /// Rows deleted per transaction (keeps each write short).
    public let batchSize: Int

    public init(store: any MemoryStore, clock: any WallClock = SystemClock(), interval: Double = 30, batchSize: Int = 500) {
        self.store = store
        self.clock = clock
        self.interval = interval
        self.batchSize = batchSize
    }

    /// One sweep: deletes every entry expired by now, in batches; returns them.
    @discardableResult
    public func sweepOnce(report: (([MemoryEntry]) async -> Void)? = nil) async throws -> [MemoryEntry] {
        var all: [MemoryEntry] = []
        while true {
            let batch = try await store.deleteExpiredMemory(now: clock.now(), limit: batchSize)
            if batch.isEmpty { break }
            all += batch
            await report?(batch)
            if batch.count < batchSize { break }
        }
        return all
    }

    /// Sweeps every `interval` until cancelled; a failed sweep is reported and retried next time.
    public func run(
        report: @escaping @Sendable ([MemoryEntry]) async -> Void,
        failure: @escaping @Sendable (any Error) -> Void = { _ in }
    ) async {
        while !Task.isCancelled {
            do {
                try await sweepOnce(report: report)
            } catch is CancellationError {
                return
            } catch {
                failure(error)
            }
            do { try await clock.sleep(seconds: interval) } catch { return }
        }
    }
}
