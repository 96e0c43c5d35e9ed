import SCSWire
import Synchronization

/// The ready workers of one role. Only workers that said hello are here; a dead connection is
/// skipped even before its slot withdraws it.
final class RoutingTable: Sendable {
    private let state = Mutex<(clients: [Int: WireClient], turn: Int)>(([:], 0))

    func publish(slot: Int, client: WireClient) { state.withLock { $0.clients[slot] = client } }

    func withdraw(slot: Int) { _ = state.withLock { $0.clients.removeValue(forKey: slot) } }

    /// The open client with the fewest requests in flight (round-robin among equals), avoiding
    /// `excluding` when another is available.
    func pick(excluding: ObjectIdentifier? = nil) -> WireClient? {
        state.withLock { state in
            let open = state.clients.sorted { $0.key < $1.key }.map(\.value).filter(\.isOpen)
            let candidates = open.filter { ObjectIdentifier($0) != excluding }
            let pool = candidates.isEmpty ? open : candidates
            guard !pool.isEmpty else { return nil }
            state.turn &+= 1
            let rotated = (0..<pool.count).map { pool[($0 + state.turn) % pool.count] }
            return rotated.min { $0.inFlight < $1.inFlight }
        }
    }

    var count: Int { state.withLock { $0.clients.values.filter(\.isOpen).count } }
}
