/// Short announcements to every node that shares the database (docs/POSTGRESQL.md, "Live
/// events across nodes"): PostgreSQL's LISTEN/NOTIFY. A payload names what changed (ids, never
/// content) and is at most `PeerAnnouncement.maxBytes`; delivery is at most once, so a receiver treats it
/// as a wake-up and reads what changed from the database.
public protocol PeerChannel: Sendable {
    /// Sends `payload` to every listening node, this one included.
    func send(_ payload: String) async throws
    /// Listens until cancelled, reconnecting after a lost connection. `connected` runs each time
    /// the listener is (re)established, `receive` with each payload, in the order they were sent.
    func listen(connected: @Sendable () async -> Void, receive: @Sendable (String) async -> Void) async
}

/// The bounds of one announcement.
public enum PeerAnnouncement {
    /// PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
    public static let maxBytes = 7_900
}
