import Foundation
import Logging
import SCSCore
import SCSStorage
import SCSStoragePostgres
import SCSStorageSQLite
import SCSTesting
import Testing

/// `scs db copy`'s engine over real files and a real PostgreSQL database: a Python-server
/// database to PostgreSQL and back to SQLite with nothing lost (what our server reads from each
/// copy is what it reads from the original), the source untouched, a non-empty target refused
/// and left as it was, `--force` replacing it.
@Suite("Copying databases (scs db copy)")
struct DataCopyTests {
    static let logger = Logger(label: "test.db-copy")
    let directory = NSTemporaryDirectory() + "scs-copy-test-\(UUID().uuidString.prefix(8))"

    /// What our server reads of the Python fixture: every session, message, memory entry and token.
    struct Contents: Equatable {
        var sessions: [Session?] = []
        var messages: [Message?] = []
        var memory: [MemoryEntry] = []
        var token: TokenRecord?

        init(_ storage: any Storage) async throws {
            for id in ["session_aaaaaaaaaaaaaaaa", "session_bbbbbbbbbbbbbbbb"] { sessions.append(try await storage.session(id: id)) }
            for id in Int64(1)...5 { messages.append(try await storage.message(id: id)) }
            for agent in ["alice", "bob"] {
                memory += try await storage.listMemory(agentID: agent, scope: .all, prefix: nil, limit: 100, now: 1_764_000_050)
            }
            token = try await storage.token(id: TokenDigest.of("sct_3f2b8c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f"))
        }
    }

    func pythonDatabase(_ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        _ = try PythonMigrationTests.makePythonDatabase(at: path)
        return path
    }

    func open(_ path: String) throws -> SQLiteStorage {
        try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: path)), schema: .migrate)
    }

    @Test("a Python-server database goes to PostgreSQL and back to SQLite with nothing lost, the source untouched")
    func roundTrip() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try pythonDatabase("python.db")
        let original = try Data(contentsOf: URL(fileURLWithPath: source))
        let reference = try open(try pythonDatabase("reference.db"))
        let expected = try await Contents(reference)
        try await reference.close()
        #expect(expected.messages.compactMap { $0 }.count == 5 && expected.memory.count == 3 && expected.token != nil)

        try await TestStorage.withPostgresDatabase { url in
            let there = try await DataCopy.run(
                from: try await SQLiteTableAccess.reader(path: source), to: try await PostgresTableAccess.writer(url: url, logger: Self.logger),
                force: false)
            #expect(try Data(contentsOf: URL(fileURLWithPath: source)) == original)
            let counts = Dictionary(uniqueKeysWithValues: there.map { ($0.table, $0.rows) })
            #expect(counts["sessions"] == 2 && counts["messages"] == 5 && counts["agent_memory"] == 3 && counts["audit_log"] == 3)
            #expect(counts["secure_tokens"] == 1)

            let postgres = try await PostgresStorage.open(url: url, poolSize: 2)
            #expect(try await Contents(postgres) == expected)
            // Ids go on after the copied ones.
            let next = try await postgres.post("after the copy", in: "session_bbbbbbbbbbbbbbbb", by: TestIdentities.bob)
            #expect(next.id == 6)
            try await postgres.close()

            let back = directory + "/back.db"
            let returned = try await DataCopy.run(
                from: try await PostgresTableAccess.reader(url: url, logger: Self.logger), to: try await SQLiteTableAccess.writer(path: back),
                force: false)
            let sqlite = try open(back)
            #expect(try await Contents(sqlite) == expected)
            #expect(try await sqlite.message(id: 6)?.content == "after the copy")
            try await sqlite.close()
            // Everything but the one message added in between sums the same on both legs.
            for (a, b) in zip(there, returned) where a.table != "messages" && a.table != "audit_log" { #expect(a == b) }
            #expect(returned.first { $0.table == "messages" }?.rows == 6)
        }
    }

    @Test("a target that holds rows is refused and left as it was; --force replaces its content")
    func nonEmptyTarget() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try pythonDatabase("python.db")
        try await TestStorage.withPostgresDatabase { url in
            let postgres = try await PostgresStorage.open(url: url, poolSize: 2)
            let session = try await postgres.makeSession(by: TestIdentities.carol)
            try await postgres.post("already here", in: session.id, by: TestIdentities.carol)
            let refused = await #expect(throws: DataCopy.Failure.self) {
                _ = try await DataCopy.run(
                    from: try await SQLiteTableAccess.reader(path: source), to: try await PostgresTableAccess.writer(url: url, logger: Self.logger),
                    force: false)
            }
            #expect(refused?.description.contains("not empty: messages (1 rows), sessions (1 rows)") == true)
            #expect(try await postgres.message(id: 1)?.content == "already here")

            _ = try await DataCopy.run(
                from: try await SQLiteTableAccess.reader(path: source), to: try await PostgresTableAccess.writer(url: url, logger: Self.logger),
                force: true)
            #expect(try await postgres.session(id: session.id) == nil)
            #expect(try await postgres.message(id: 1)?.content == "public hello")
            try await postgres.close()
        }

        // The same on SQLite: the target file keeps its rows until a forced copy replaces it.
        let target = try pythonDatabase("target.db")
        let before = try Data(contentsOf: URL(fileURLWithPath: target))
        await #expect(throws: DataCopy.Failure.self) {
            _ = try await DataCopy.run(from: try await SQLiteTableAccess.reader(path: source), to: try await SQLiteTableAccess.writer(path: target), force: false)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".copy-") }
        #expect(leftovers.isEmpty)
    }
}
