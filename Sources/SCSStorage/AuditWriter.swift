public import Logging
import Synchronization

/// Writes the audit rows of frequent events (memory writes, searches, guidance) after the answer,
/// in order, from one task it owns (started by the first row, not by the initialiser). `drain()`
/// (on shutdown, before the database closes) stops taking rows and waits until every row handed
/// over is written: shutdown loses none.
public final class AuditWriter: Sendable {
    private let input: AsyncStream<NewAuditEvent>.Continuation
    private let stream: AsyncStream<NewAuditEvent>
    private let storage: any AuditStore
    private let logger: Logger
    private let writer = Mutex<Task<Void, Never>?>(nil)

    public init(storage: any AuditStore, logger: Logger) {
        (stream, input) = AsyncStream.makeStream(of: NewAuditEvent.self)
        self.storage = storage
        self.logger = logger
    }

    /// Queues a row (dropped, with nothing else affected, once draining has begun).
    public func write(_ event: NewAuditEvent) {
        guard case .enqueued = input.yield(event) else { return }
        writer.withLock { writer in
            guard writer == nil else { return }
            let (stream, storage, logger) = (stream, storage, logger)
            writer = Task {
                for await event in stream {
                    do {
                        try await storage.appendAudit(event)
                    } catch {
                        logger.warning("audit write failed", metadata: ["event": "\(event.eventType)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Ends the queue and waits until the rows already queued are written.
    public func drain() async {
        input.finish()
        await writer.withLock({ $0 })?.value
    }

    deinit { input.finish() }
}
