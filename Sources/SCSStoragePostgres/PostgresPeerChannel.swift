public import Logging
import PostgresNIO
public import SCSStorage

/// LISTEN/NOTIFY on the channel `scs_events` (docs/POSTGRESQL.md, "Live events across nodes").
/// Sending is a `pg_notify` on a pooled connection; listening holds one connection of its own
/// outside the pool and reconnects after losing it (the database restarted, the network broke)
/// with a backoff from 0.1 s to 5 s, so a node recovers by itself.
public struct PostgresPeerChannel: PeerChannel {
    public static let channel = "scs_events"
    let storage: PostgresStorage
    let logger: Logger

    public init(storage: PostgresStorage, logger: Logger) {
        self.storage = storage
        self.logger = logger
    }

    public func send(_ payload: String) async throws {
        guard payload.utf8.count <= PeerAnnouncement.maxBytes else {
            throw StorageError(.unavailable, "a peer announcement is larger than \(PeerAnnouncement.maxBytes) bytes")
        }
        try await storage.run("SELECT pg_notify(\(Self.channel), \(payload))")
    }

    public func listen(connected: @Sendable () async -> Void, receive: @Sendable (String) async -> Void) async {
        var delay = 0.1
        var lost = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresStorage.connect(url: storage.url, logger: quiet)
                do {
                    try await connection.listen(on: Self.channel) { notifications in
                        if lost { logger.info("listening for other nodes' events again") }
                        lost = false
                        delay = 0.1
                        await connected()
                        for try await notification in notifications { await receive(notification.payload) }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                guard !Task.isCancelled else { break }
                if !lost {
                    logger.warning("lost the connection that hears other nodes' events; reconnecting", metadata: ["error": "\(PostgresStorage.translate(error))"])
                }
                lost = true
            }
            guard !Task.isCancelled else { break }
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            delay = min(delay * 2, 5)
        }
    }

    /// The driver logs each connection it opens or loses; what a loss means is logged here.
    var quiet: Logger {
        var logger = logger
        logger.logLevel = max(logger.logLevel, .error)
        return logger
    }
}
