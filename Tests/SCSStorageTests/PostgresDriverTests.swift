import SCSCore
import SCSStorage
@testable import SCSStoragePostgres
import SCSTesting
import OrderedCollections
import Synchronization
import Testing

@Suite("The PostgreSQL driver's own behaviour (a real cluster)")
struct PostgresDriverTests {
    @Test("four nodes starting at once on an empty database migrate it once, together")
    func concurrentMigration() async throws {
        try await TestStorage.withPostgresDatabase { url in
            let nodes = try await withThrowingTaskGroup(of: PostgresStorage.self) { group in
                for _ in 0..<4 { group.addTask { try await PostgresStorage.open(url: url, poolSize: 2) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for node in nodes {
                #expect(try await node.appliedMigrations() == Migrations.all.map(\.id))
            }
            // Each node works on what the others see.
            let session = try await nodes[0].makeSession()
            #expect(try await nodes[3].session(id: session.id)?.purpose == "test session")
            for node in nodes { try await node.close() }
        }
    }

    @Test("a reader catching up by id while two nodes write never passes over a message committed late")
    func catchUpSkipsNothing() async throws {
        try await TestStorage.withPostgresDatabase { url in
            let nodes = [try await PostgresStorage.open(url: url, poolSize: 8), try await PostgresStorage.open(url: url, poolSize: 8)]
            let session = try await nodes[0].makeSession()
            let writers = 16, each = 25
            let done = Flag()
            let seen = try await withThrowingTaskGroup(of: [Int64].self) { group in
                group.addTask {
                    try await withThrowingTaskGroup(of: Void.self) { writing in
                        for writer in 0..<writers {
                            writing.addTask {
                                for n in 0..<each {
                                    try await nodes[writer % 2].post("w\(writer) n\(n)", in: session.id, by: TestIdentities.alice)
                                }
                            }
                        }
                        try await writing.waitForAll()
                    }
                    done.value.store(true, ordering: .sequentiallyConsistent)
                    return []
                }
                group.addTask {
                    // The reader's only cursor is the last id it saw, as wait_for_messages and the
                    // feeds use; it stops at the first empty read after the writers finished.
                    var ids: [Int64] = []
                    while true {
                        let finished = done.value.load(ordering: .sequentiallyConsistent)
                        let page = try await nodes[1].messages(
                            MessageQuery(sessionID: session.id, afterID: ids.last ?? 0, limit: 1_000), reader: TestIdentities.alice)
                        ids += page.messages.map(\.id)
                        if finished && page.messages.isEmpty { return ids }
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(seen.count == writers * each)
            #expect(Set(seen).count == seen.count && seen == seen.sorted())
            for node in nodes { try await node.close() }
        }
    }

    @Test("a database that cannot be reached or refuses the password fails the start clearly, without the password")
    func unreachable() async throws {
        var url = try TestStorage.clusterURL()
        url.password = "wrong-password-123"
        await #expect {
            _ = try await PostgresStorage.open(url: url, poolSize: 2)
        } throws: { error in
            let error = error as? StorageError
            return error?.code == .unavailable && !(error?.description.contains("wrong-password-123") ?? true)
                && !(error?.underlying?.contains("wrong-password-123") ?? true)
        }
        url.port = 1  // nothing listens there
        await #expect {
            _ = try await PostgresStorage.open(url: url, poolSize: 2)
        } throws: { error in (error as? StorageError)?.code == .unavailable }
    }

    @Test("a Python-server table layout is taken over: TIMESTAMPTZ rows become unix seconds, nothing lost")
    func pythonTables() async throws {
        try await TestStorage.withPostgresDatabase { url in
            // The Python server's own PostgreSQL tables (migration 1 alone) and a row it wrote.
            for statement in try #require(PostgresSchema.statements(for: 1)) { try await TestStorage.execute(on: url, statement) }
            try await TestStorage.execute(
                on: url,
                """
                INSERT INTO sessions (id, purpose, created_by, created_at, updated_at, metadata)
                VALUES ('session_00000000000000aa', 'from python', 'py-agent', '2025-08-01 12:00:00+00', '2025-08-01 12:00:00+00', '{"a": 1}')
                """)
            let storage = try await PostgresStorage.open(url: url, poolSize: 2)
            let session = try #require(try await storage.session(id: "session_00000000000000aa"))
            #expect(session.purpose == "from python" && session.createdAt == 1_754_049_600 && session.metadata == ["a": 1])
            try await storage.close()
        }
    }
}

final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
