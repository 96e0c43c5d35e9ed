import Foundation
import SCSCore
import SCSMemory
import SCSStorage
import SCSStorageSQLite
import Synchronization
import Testing

@Suite("Memory service and TTL sweeper (real SQLite, manual clock)")
struct MemoryServiceTests {
    static let alice = AgentIdentity(agentID: "alice", agentType: "claude", permissions: [.read, .write])
    static let bob = AgentIdentity(agentID: "bob", agentType: "claude", permissions: [.read, .write])
    static let reader = AgentIdentity(agentID: "ro", agentType: "generic", permissions: [.read])

    static func withService(_ body: (MemoryService, SQLiteStorage, ManualClock) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "scs-memory-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try SQLiteStorage(
            configuration: StorageConfiguration(backend: .sqlite(path: directory + "/scs.db")), schema: .migrate)
        let clock = ManualClock(start: 1_000_000)
        try await body(MemoryService(store: storage, clock: clock), storage, clock)
        try await storage.close()
    }

    func code(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as SCSError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    @Test("keys and TTLs are validated in the Python server's order, with its codes")
    func validation() async throws {
        try await Self.withService { service, _, _ in
            func set(_ key: String, _ ttl: JSONValue? = nil, as agent: AgentIdentity = Self.alice) async -> String? {
                await code { _ = try await service.set(.init(agent: agent, key: key, value: 1, expiresIn: ttl)) }
            }
            #expect(await set("   ") == "INVALID_KEY")
            #expect(await set(String(repeating: "k", count: 256)) == "INVALID_KEY")
            #expect(await set(String(repeating: "é", count: 255)) == nil)
            #expect(await set("has space") == "INVALID_KEY")
            #expect(await set("tab\there") == "INVALID_KEY")
            #expect(await set("ok.key/with:unicode✓") == nil)
            #expect(await set("has space", as: Self.reader) == "INVALID_KEY")  // key checked before permission
            #expect(await set("fine", as: Self.reader) == "PERMISSION_DENIED")
            #expect(await set("fine", "soon") == "INVALID_TTL_FORMAT")
            #expect(await set("fine", -1) == "INVALID_TTL_VALUE")
            #expect(await set("fine", 31_536_001) == "INVALID_TTL_VALUE")
            #expect(await set("fine", "31536000") == nil)
            #expect(await set("fine", [1]) == "INVALID_TTL_FORMAT")
            #expect(await code { _ = try await service.set(.init(agent: Self.alice, key: "k", value: 1, sessionID: "session_0000000000000000")) }
                == "SESSION_NOT_FOUND")
            let trimmed = try await service.set(.init(agent: Self.alice, key: "  padded  ", value: "v"))
            #expect(trimmed.key == "padded")
        }
    }

    @Test("TTL is enforced on read; 0 means permanent; namespaces are per agent")
    func ttlOnRead() async throws {
        try await Self.withService { service, _, clock in
            let entry = try await service.set(.init(agent: Self.alice, key: "token", value: ["v": 1], expiresIn: 10))
            #expect(entry.expiresAt == clock.now() + 10)
            _ = try await service.set(.init(agent: Self.alice, key: "forever", value: true, expiresIn: 0))
            #expect(try await service.get(.init(agent: Self.alice, key: "forever", sessionID: nil)).expiresAt == nil)
            #expect(await code { _ = try await service.get(.init(agent: Self.bob, key: "token", sessionID: nil)) } == "MEMORY_NOT_FOUND")
            clock.advance(by: 9.9)
            #expect(try await service.get(.init(agent: Self.alice, key: "token", sessionID: nil)).value == ["v": 1])
            clock.advance(by: 0.1)
            #expect(await code { _ = try await service.get(.init(agent: Self.alice, key: "token", sessionID: nil)) } == "MEMORY_NOT_FOUND")
            #expect(try await service.list(.init(agent: Self.alice, scope: .global, limit: 50)).map(\.key) == ["forever"])
            #expect(await code { try await service.delete(.init(agent: Self.alice, key: "token", sessionID: nil)) } == "MEMORY_NOT_FOUND")
            try await service.delete(.init(agent: Self.alice, key: "forever", sessionID: nil))
            #expect(await code { try await service.delete(.init(agent: Self.reader, key: "x", sessionID: nil)) } == "PERMISSION_DENIED")
        }
    }

    @Test("scopes: global, one session, or all")
    func scopes() async throws {
        try await Self.withService { service, storage, _ in
            let session = try await storage.createSession(NewSession(purpose: "p", createdBy: "alice", createdAt: 1))
            _ = try await service.set(.init(agent: Self.alice, key: "g", value: 1))
            _ = try await service.set(.init(agent: Self.alice, key: "s", value: 2, sessionID: session.id))
            #expect(try await service.list(.init(agent: Self.alice, scope: .global, limit: 10)).map(\.key) == ["g"])
            #expect(try await service.list(.init(agent: Self.alice, scope: .session(session.id), limit: 10)).map(\.key) == ["s"])
            #expect(Set(try await service.list(.init(agent: Self.alice, scope: .all, limit: 10)).map(\.key)) == ["g", "s"])
            #expect(await code { _ = try await service.get(.init(agent: Self.alice, key: "s", sessionID: nil)) } == "MEMORY_NOT_FOUND")
        }
    }

    @Test("the sweeper deletes expired entries on its schedule and reports each one")
    func sweeper() async throws {
        try await Self.withService { service, storage, clock in
            for index in 0..<7 {
                _ = try await service.set(.init(agent: Self.alice, key: "k\(index)", value: 1, expiresIn: .int(Int64(10 + index * 100))))
            }
            _ = try await service.set(.init(agent: Self.bob, key: "keep", value: 1))
            let reported = Mutex<[String]>([])
            let sweeper = MemorySweeper(store: storage, clock: clock, interval: 60, batchSize: 2)
            let task = Task { await sweeper.run { batch in reported.withLock { $0 += batch.map(\.key) } } }
            func waitForSleeper() async { while clock.sleeperCount == 0 { await Task.yield() } }
            await waitForSleeper()
            #expect(reported.withLock { $0 }.isEmpty)
            clock.advance(by: 60)  // t+60: k0 (10 s) expired
            await waitForSleeper()
            while reported.withLock({ $0.count }) < 1 { await Task.yield() }
            #expect(reported.withLock { $0 } == ["k0"])
            clock.advance(by: 600)  // t+660: k1…k6 (110…610 s) expired, swept in batches of 2
            await waitForSleeper()
            while reported.withLock({ $0.count }) < 7 { await Task.yield() }
            #expect(reported.withLock { $0 } == (0..<7).map { "k\($0)" })
            task.cancel()
            await task.value
            let remaining = try await storage.listMemory(agentID: "bob", scope: .all, prefix: nil, limit: 10, now: clock.now())
            #expect(remaining.map(\.key) == ["keep"])
            #expect(try await sweeper.sweepOnce().isEmpty)
        }
    }
}
