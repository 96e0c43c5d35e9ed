public import HummingbirdCore
import Synchronization

/// Caps the open HTTP connections and counts them for `/health`: past the cap the server stops
/// accepting (new connections wait in the kernel's backlog) until one closes.
public final class ConnectionCounter: Sendable {
    public let maximum: Int
    private let open = Atomic<Int>(0)

    public init(maximum: Int) { self.maximum = maximum }

    public var current: Int { open.load(ordering: .relaxed) }

    /// The delegate Hummingbird consults before each accept.
    public var delegate: Delegate { Delegate(counter: self) }

    public struct Delegate: AvailableConnectionsDelegate {
        let counter: ConnectionCounter

        public mutating func connectionOpened() { counter.open.add(1, ordering: .relaxed) }
        public mutating func connectionClosed() { counter.open.subtract(1, ordering: .relaxed) }
        public func isAcceptingNewConnections() -> Bool { counter.current < counter.maximum }
    }
}
