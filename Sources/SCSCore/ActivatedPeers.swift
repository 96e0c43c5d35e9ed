import Synchronization

/// The real client address of connections that reach the HTTP server through socket
/// activation's relay (a private Unix socket, whose peer says nothing): the relay's first line,
/// `SCS-PEER <address>`, records it here, keyed by the connection, until the connection ends
/// (docs/ARCHITECTURE.md, "The HTTP edge"). Throttles and per-client limits then key on it.
public final class ActivatedPeers: Sendable {
    public static let shared = ActivatedPeers()

    /// The relay's line: `SCS-PEER ` and an IP address, then CRLF.
    public static let prefix = "SCS-PEER "
    public static let maximumLine = 80

    private let peers = Mutex<[ObjectIdentifier: String]>([:])

    public func record(_ address: String, for connection: ObjectIdentifier) { peers.withLock { $0[connection] = address } }

    public func forget(_ connection: ObjectIdentifier) { _ = peers.withLock { $0.removeValue(forKey: connection) } }

    public func address(of connection: ObjectIdentifier) -> String? { peers.withLock { $0[connection] } }

    public var count: Int { peers.withLock { $0.count } }
}
