import SCSCore
import SCSStorage
import SCSTesting
import Testing
import OrderedCollections

@Suite("Agent memory, on every driver (a real SQLite file, a real PostgreSQL database)")
struct MemoryStoreTests {
    @Test("overwrite:false among 20 concurrent callers: exactly one winner", arguments: StorageDriver.allCases)
    func oneWinner(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            for scope in [MemoryScope.global, .session(session.id)] {
                let outcomes = try await withThrowingTaskGroup(of: Int?.self) { group in
                    for caller in 0..<20 {
                        group.addTask {
                            do {
                                _ = try await storage.putMemory(
                                    MemoryWrite(agentID: "alice", key: "lock", scope: scope, value: .int(Int64(caller)), overwrite: false),
                                    now: 100)
                                return caller
                            } catch let error as SCSError where error.code == .keyExists {
                                return nil
                            }
                        }
                    }
                    return try await group.reduce(into: [Int]()) { if let winner = $1 { $0.append(winner) } }
                }
                #expect(outcomes.count == 1, "\(scope)")
                let stored = try #require(try await storage.memory(agentID: "alice", key: "lock", scope: scope, now: 100))
                #expect(stored.value == .int(Int64(outcomes[0])))
            }
        }
    }

    @Test("list prefix is literal and case-sensitive: _ and % are ordinary characters", arguments: StorageDriver.allCases)
    func literalPrefix(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            for key in ["a_b.1", "axb.2", "a%c", "abc", "A_b", "a_", "a"] {
                _ = try await storage.putMemory(MemoryWrite(agentID: "alice", key: key, scope: .global, value: "v"), now: 10)
            }
            func keys(_ prefix: String?) async throws -> Set<String> {
                Set(try await storage.listMemory(agentID: "alice", scope: .global, prefix: prefix, limit: 100, now: 10).map(\.key))
            }
            #expect(try await keys("a_") == ["a_b.1", "a_"])
            #expect(try await keys("a%") == ["a%c"])
            #expect(try await keys("A") == ["A_b"])
            #expect(try await keys("%") == [])
            #expect(try await keys(nil).count == 7)
        }
    }

    @Test("TTL enforced on read; expired entries are swept and may be re-created with overwrite:false", arguments: StorageDriver.allCases)
    func ttl(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            _ = try await storage.putMemory(MemoryWrite(agentID: "alice", key: "soon", scope: .global, value: 1, expiresAt: 110), now: 100)
            _ = try await storage.putMemory(MemoryWrite(agentID: "alice", key: "forever", scope: .global, value: 2), now: 100)
            #expect(try await storage.memory(agentID: "alice", key: "soon", scope: .global, now: 109.9) != nil)
            #expect(try await storage.memory(agentID: "alice", key: "soon", scope: .global, now: 110) == nil)
            #expect(try await storage.listMemory(agentID: "alice", scope: .all, prefix: nil, limit: 10, now: 111).map(\.key) == ["forever"])
            #expect(try await storage.deleteMemory(agentID: "alice", key: "soon", scope: .global, now: 111) == false)
            let replaced = try await storage.putMemory(
                MemoryWrite(agentID: "alice", key: "soon", scope: .global, value: 3, overwrite: false), now: 120)
            #expect(replaced.createdAt == 120 && replaced.expiresAt == nil)

            _ = try await storage.putMemory(MemoryWrite(agentID: "bob", key: "x", scope: .global, value: 1, expiresAt: 130), now: 120)
            let swept = try await storage.deleteExpiredMemory(now: 131, limit: 100)
            #expect(swept.map(\.key) == ["x"] && swept[0].agentID == "bob")
            #expect(try await storage.deleteExpiredMemory(now: 131, limit: 100).isEmpty)
        }
    }

    @Test("namespaces per agent, scopes distinct, any JSON value, upsert keeps created_at", arguments: StorageDriver.allCases)
    func scopesAndValues(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            let values: [JSONValue] = [["a": 1], [1, "two", nil], "a string", "123", 42, 2.5, true]
            for (index, value) in values.enumerated() {
                _ = try await storage.putMemory(MemoryWrite(agentID: "alice", key: "k\(index)", scope: .global, value: value), now: 10)
                #expect(try await storage.memory(agentID: "alice", key: "k\(index)", scope: .global, now: 10)?.value == value)
            }
            _ = try await storage.putMemory(MemoryWrite(agentID: "alice", key: "same", scope: .global, value: "g"), now: 10)
            _ = try await storage.putMemory(MemoryWrite(agentID: "alice", key: "same", scope: .session(session.id), value: "s"), now: 10)
            #expect(try await storage.memory(agentID: "alice", key: "same", scope: .global, now: 10)?.value == "g")
            #expect(try await storage.memory(agentID: "alice", key: "same", scope: .session(session.id), now: 10)?.value == "s")
            #expect(try await storage.memory(agentID: "bob", key: "same", scope: .global, now: 10) == nil)
            let updated = try await storage.putMemory(
                MemoryWrite(agentID: "alice", key: "same", scope: .global, value: "g2", metadata: ["tag": "x"]), now: 20)
            #expect(updated.createdAt == 10 && updated.updatedAt == 20)
            let listed = try await storage.listMemory(agentID: "alice", scope: .session(session.id), prefix: nil, limit: 10, now: 20)
            #expect(listed.map(\.key) == ["same"])
            #expect(try await storage.listMemory(agentID: "alice", scope: .all, prefix: "same", limit: 10, now: 20).first?.value == "g2")
            _ = try await expectSCSError(.sessionNotFound) {
                _ = try await storage.putMemory(
                    MemoryWrite(agentID: "alice", key: "k", scope: .session("session_0123456789abcdef"), value: 1), now: 1)
            }
            #expect(try await storage.deleteMemory(agentID: "alice", key: "same", scope: .global, now: 30))
            #expect(try await storage.memory(agentID: "alice", key: "same", scope: .global, now: 30) == nil)
            #expect(try await storage.memory(agentID: "alice", key: "same", scope: .session(session.id), now: 30) != nil)
        }
    }
}
