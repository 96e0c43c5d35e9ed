import Foundation
import Logging
@testable import SCSSupervisor
import SCSWire
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Search affinity: rendezvous hashing over the ready workers")
struct RoutingTableTests {
    static let keys = (0..<2_000).map { "session_\(String($0, radix: 16))_\($0 * 7_919)" }

    @Test("keys spread evenly over positions, and losing one moves only the keys it held")
    func spreadAndStability() {
        let positions = [0, 1, 2, 3]
        let owners = Self.keys.map { RoutingTable.order(key: $0, positions: positions) }
        for position in positions {
            let share = Double(owners.filter { $0[0] == position }.count) / Double(Self.keys.count)
            #expect(share > 0.2 && share < 0.3, "position \(position) owns \(share)")
        }
        for (key, order) in zip(Self.keys, owners) {
            #expect(Set(order) == Set(positions))
            let without = RoutingTable.order(key: key, positions: [0, 1, 3])
            // A key keeps its worker unless that was the one lost; then its second choice takes it.
            #expect(without[0] == (order[0] == 2 ? order[1] : order[0]))
            #expect(RoutingTable.order(key: key, positions: positions) == order, "the order is stable")
        }
    }

    @Test("pick follows a key's order over real connections: same worker each time, the next when it is withdrawn or excluded")
    func pickFollowsOrder() async throws {
        let directory = NSTemporaryDirectory() + "scs-route-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/w.sock"
        var router = WireRouter()
        router.register(PingMethod.self) { _ in PingMethod.Result(pid: getpid(), inFlight: 0) }
        let server = WireServer(
            path: path, hello: Hello(role: .search, pid: getpid(), version: "test"), router: router, logger: Logger(label: "test"))
        let (bound, signal) = AsyncStream<Void>.makeStream()
        let task = Task { try await server.run(onBound: { signal.yield() }) }
        defer { task.cancel() }
        for await _ in bound { break }

        var clients: [WireClient] = []
        for _ in 0..<3 {
            clients.append(try await WireClient.connect(path: path, hello: Hello(role: .supervisor, pid: getpid(), version: "test")))
        }
        let table = RoutingTable()
        // Slot ids differ from positions, as after restarts.
        for (position, client) in clients.enumerated() { table.publish(slot: 10 + position, position: position, client: client) }
        for key in Self.keys.prefix(50) {
            let order = RoutingTable.order(key: key, positions: [0, 1, 2])
            for _ in 0..<3 { #expect(table.pick(key: key) === clients[order[0]]) }
            #expect(table.pick(excluding: ObjectIdentifier(clients[order[0]]), key: key) === clients[order[1]])
            table.withdraw(slot: 10 + order[0])
            #expect(table.pick(key: key) === clients[order[1]], "the next in the key's order takes it")
            table.publish(slot: 20 + order[0], position: order[0], client: clients[order[0]])
            #expect(table.pick(key: key) === clients[order[0]], "a restarted worker at the same position gets its keys back")
            table.withdraw(slot: 20 + order[0])
            table.publish(slot: 10 + order[0], position: order[0], client: clients[order[0]])
        }
        #expect(Set(Self.keys.prefix(300).compactMap { table.pick(key: $0).map(ObjectIdentifier.init) }).count == 3)
        for client in clients { await client.close() }
    }
}
