import SCSCore
import SCSWire
import Synchronization

/// The ready workers of one role. Only workers that said hello are here; a dead connection is
/// skipped even before its slot withdraws it.
///
/// A request without an affinity key goes to the least busy worker. A request with one goes by
/// rendezvous (highest-random-weight) hashing: every ready worker's position in the pool is
/// scored against the key and the highest score wins, so a key stays on one worker while that
/// worker is ready, and when it is not, the next in the key's order takes it. Positions survive
/// restarts (a restarted worker serves the same keys); adding or losing one worker moves only the
/// keys it wins or held (docs/ARCHITECTURE.md, "Search affinity").
final class RoutingTable: Sendable {
    struct Route {
        var position: Int
        var client: WireClient
    }

    private let state = Mutex<(routes: [Int: Route], turn: Int)>(([:], 0))
    /// Counts publishes and withdrawals: a request waiting for a worker waits for this to move.
    let changes = WaitableState(0)

    func publish(slot: Int, position: Int, client: WireClient) {
        state.withLock { $0.routes[slot] = Route(position: position, client: client) }
        changes.update { $0 &+= 1 }
    }

    func withdraw(slot: Int) {
        let removed = state.withLock { $0.routes.removeValue(forKey: slot) }
        if removed != nil { changes.update { $0 &+= 1 } }
    }

    /// The worker for a request, avoiding `excluding` when another is available: the key's
    /// rendezvous winner, or without a key the open client with the fewest requests in flight
    /// (round-robin among equals).
    func pick(excluding: ObjectIdentifier? = nil, key: String? = nil) -> WireClient? {
        state.withLock { state in
            let open = state.routes.sorted { $0.key < $1.key }.map(\.value).filter(\.client.isOpen)
            let candidates = open.filter { ObjectIdentifier($0.client) != excluding }
            let pool = candidates.isEmpty ? open : candidates
            guard !pool.isEmpty else { return nil }
            if let key {
                return pool.max { Self.weight(key, $0.position) < Self.weight(key, $1.position) }?.client
            }
            state.turn &+= 1
            let rotated = (0..<pool.count).map { pool[($0 + state.turn) % pool.count].client }
            return rotated.min { $0.inFlight < $1.inFlight }
        }
    }

    /// The key's order over positions, best first (what `pick` follows as workers drop out).
    static func order(key: String, positions: [Int]) -> [Int] {
        positions.sorted { weight(key, $0) > weight(key, $1) }
    }

    /// A stable score of (key, position): 64-bit FNV-1a over the key's UTF-8 and the position,
    /// finished with a SplitMix64 mix so that nearby positions score independently.
    static func weight(_ key: String, _ position: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= UInt64(truncatingIfNeeded: position) &+ 0x9e37_79b9_7f4a_7c15
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }

    var count: Int { state.withLock { $0.routes.values.filter(\.client.isOpen).count } }
}
