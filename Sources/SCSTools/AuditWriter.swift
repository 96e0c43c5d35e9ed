public import Logging
public import SCSStorage

/// Writes the audit rows of frequent events (memory writes, searches, guidance) after the answer,
/// in order, from one task it owns. `drain()` (on shutdown, before the database closes) stops
/// taking rows and waits until every row handed over is written: shutdown loses none.
public final class AuditWriter: Sendable {
    private let input: AsyncStream<NewAuditEvent>.Continuation
    private let writer: Task<Void, Never>

    public init(storage: any Storage, logger: Logger) {
        let (stream, input) = AsyncStream.makeStream(of: NewAuditEvent.self)
        self.input = input
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

    /// Queues a row (dropped, with nothing else affected, once draining has begun).
    public func write(_ event: NewAuditEvent) { input.yield(event) }

    /// Ends the queue and waits until the rows already queued are written.
    public func drain() async {
        input.finish()
        await writer.value
    }

    deinit { input.finish() }
}
