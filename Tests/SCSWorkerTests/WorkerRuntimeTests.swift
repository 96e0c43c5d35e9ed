import Foundation
import Logging
import SCSCore
import SCSStorage
import SCSStorageSQLite
import SCSWire
import SCSWorker
import Synchronization
import Testing

/// The worker runtime in this process (no spawn): real SQLite, real Unix socket, real framing.
@Suite("Worker runtime over its socket")
struct WorkerRuntimeTests {
    static let alice = AgentIdentity(agentID: "alice", agentType: "claude", permissions: [.read, .write])

    static func withWorker(_ role: WireRole, _ body: (WireClient, SQLiteStorage) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "scs-wk-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: directory + "/scs.db")), schema: .migrate)
        let runtime = WorkerRuntime(
            role: role, socketPath: directory + "/w.sock", storage: storage, logger: Logger(label: "test"), sweepInterval: 0.05)
        let task = Task { try await runtime.run(version: "test") }
        #expect(await runtime.bound.wait(timeout: 30) { $0 })
        let connected = try await WireClient.connect(path: directory + "/w.sock", hello: Hello(role: .supervisor, pid: getpid(), version: "t"))
        do {
            try await body(connected, storage)
        } catch {
            task.cancel()
            throw error
        }
        await connected.close()
        task.cancel()
        _ = await task.result
        try await storage.close()
    }

    @Test("a search worker answers search.query and health.ping; refuses memory methods")
    func search() async throws {
        try await Self.withWorker(.search) { client, storage in
            #expect(client.peer.role == .search)
            let session = try await storage.createSession(NewSession(purpose: "p", createdBy: "alice", createdAt: 1))
            let message = try await storage.appendMessage(NewMessage(
                sessionID: session.id, sender: "alice", senderType: "claude", content: "the migration finished", timestamp: 2))
            let result = try await client.call(SearchMethod.self, .init(identity: Self.alice, sessionID: session.id, query: "migraton"))
            #expect(result.hits.map(\.message.id) == [message.id] && result.candidates == 1)
            #expect(result.hits[0].score > 80 && result.hits[0].message.content == "the migration finished")
            let privateOnly = try await client.call(
                SearchMethod.self, .init(identity: Self.alice, sessionID: session.id, query: "migration", scope: .private))
            #expect(privateOnly.hits.isEmpty && privateOnly.candidates == 0)
            #expect(try await client.call(PingMethod.self, WireEmpty()).pid == getpid())
            await #expect(throws: WireError.self) {
                _ = try await client.call(MemoryGetMethod.self, .init(identity: Self.alice, key: "k", sessionID: nil))
            }
        }
    }

    @Test("a memory worker serves set/get/list/delete and pushes memory.expired events")
    func memory() async throws {
        let events = EventLog()
        let directory = NSTemporaryDirectory() + "scs-wk-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: directory + "/scs.db")), schema: .migrate)
        let runtime = WorkerRuntime(role: .memory, socketPath: directory + "/m.sock", storage: storage, logger: Logger(label: "t"), sweepInterval: 0.05)
        let task = Task { try await runtime.run(version: "test") }
        #expect(await runtime.bound.wait(timeout: 30) { $0 })
        let memory = try await WireClient.connect(
            path: directory + "/m.sock", hello: Hello(role: .supervisor, pid: getpid(), version: "t"), onEvent: { event in events.add(event) })
        let entry = try await memory.call(MemorySetMethod.self, .init(identity: Self.alice, key: "plan", value: ["step": 1]))
        #expect(entry.key == "plan" && entry.value == ["step": 1])
        #expect(try await memory.call(MemoryGetMethod.self, .init(identity: Self.alice, key: "plan", sessionID: nil)).value == ["step": 1])
        #expect(try await memory.call(MemoryListMethod.self, .init(identity: Self.alice, scope: .global, prefix: "pl", limit: 10)).items.count == 1)
        _ = try await memory.call(MemoryDeleteMethod.self, .init(identity: Self.alice, key: "plan", sessionID: nil))
        let missing = await #expect(throws: SCSError.self) {
            _ = try await memory.call(MemoryGetMethod.self, .init(identity: Self.alice, key: "plan", sessionID: nil))
        }
        #expect(missing?.code == .memoryNotFound)
        _ = try await memory.call(MemorySetMethod.self, .init(identity: Self.alice, key: "brief", value: 1, expiresIn: 1))
        #expect(await events.expired.wait(timeout: 5) { !$0.isEmpty })
        #expect(events.expired.value == ["brief"])
        await memory.close()
        task.cancel()
        _ = await task.result
        try await storage.close()
    }
}

/// The keys of the expired entries the worker announced, in order; waited on by the test.
final class EventLog: Sendable {
    let expired = WaitableState<[String]>([])
    func add(_ event: WorkerEvent) {
        switch event {
        case .memoryExpired(let entries): expired.update { $0 += entries.map(\.key) }
        }
    }
}
