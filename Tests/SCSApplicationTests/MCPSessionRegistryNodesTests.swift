import SCSCore
import SCSMCP
import SCSStorage
import SCSTesting
import Synchronization
import Testing

/// Two nodes' MCP session registries over one database (both drivers): a node whose cached copy
/// of a session looks idle asks the database before ending it, and a node told that another one
/// changed a session reads the stored row again.
@Suite("MCP sessions shared by two nodes")
struct MCPSessionRegistryNodesTests {
    @Test("a session kept alive on node A is not ended by node B's stale copy", arguments: StorageDriver.allCases)
    func staleCopy(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let clock = ManualClock()
            let (a, b) = (MCPSessionRegistry(store: storage, clock: clock), MCPSessionRegistry(store: storage, clock: clock))
            let record = try await a.create(protocolVersion: "2025-06-18")
            #expect(try await b.lookup(record.id) != nil)  // B caches it now
            for _ in 0..<3 {  // A serves it for 3 hours (touching last_seen), B sees nothing
                clock.advance(by: 3_000)
                #expect(try await a.lookup(record.id) != nil)
            }
            #expect(try await b.lookup(record.id) != nil)
            #expect(try await a.lookup(record.id) != nil)
        }
    }

    @Test("a node that forgets a session sees the token another node bound to it", arguments: StorageDriver.allCases)
    func forget(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let (a, b) = (MCPSessionRegistry(store: storage), MCPSessionRegistry(store: storage))
            let record = try await a.create(protocolVersion: "2025-06-18")
            #expect(try await b.lookup(record.id)?.boundTokenDigest == nil)
            let heard = TestCounter()
            a.onChange { id in if id == record.id { heard.increment() } }
            await a.bind(record.id, token: "sct_bound")
            #expect(heard.value == 1)
            #expect(try await b.lookup(record.id)?.boundTokenDigest == nil)  // B's copy, until told
            b.forget(record.id)
            #expect(try await b.lookup(record.id)?.boundTokenDigest == TokenDigest.of("sct_bound"))
            #expect(try await a.end(record.id))
            #expect(heard.value == 2)
            b.forget(record.id)
            #expect(try await b.lookup(record.id) == nil)
        }
    }
}

final class TestCounter: Sendable {
    let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
