import Foundation
import GRDB
import SCSCore
import SCSStorage
import SCSStorageSQLite
import SCSTesting
import Testing
import OrderedCollections

@Suite("Opening a database written by the Python server")
struct PythonMigrationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/python-database.sql")
    static let tables = ["sessions", "messages", "agent_memory", "audit_log", "secure_tokens", "schema_version"]

    static func makePythonDatabase(at path: String) throws -> [String: Int] {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: try String(contentsOf: fixture, encoding: .utf8)) }
        let counts = try queue.read { db in
            try Dictionary(uniqueKeysWithValues: tables.map { ($0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1) })
        }
        try queue.close()
        return counts
    }

    @Test("migrates without losing a row, and every row reads back")
    func migrateWithoutLoss() async throws {
        var before: [String: Int] = [:]
        let database = try TestDatabase { path in before = try Self.makePythonDatabase(at: path) }
        let storage = database.storage
        do {
            #expect(before["messages"] == 5 && before["agent_memory"] == 3 && before["audit_log"] == 3)
            #expect(try await storage.appliedMigrations() == Migrations.all.map(\.id))

            let check = try DatabaseQueue(path: database.path)
            let after = try await check.read { db in
                try Dictionary(uniqueKeysWithValues: Self.tables.map { ($0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1) })
            }
            #expect(after["schema_version"] == before["schema_version"]! + 1)
            for table in Self.tables where table != "schema_version" { #expect(after[table] == before[table], "\(table)") }
            let (indexes, triggers, textTimes) = try await check.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"),
                    try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"),
                    try Int.fetchOne(db, sql: """
                        SELECT (SELECT COUNT(*) FROM sessions WHERE typeof(updated_at) = 'text')
                             + (SELECT COUNT(*) FROM agent_memory WHERE typeof(updated_at) = 'text')
                             + (SELECT COUNT(*) FROM audit_log WHERE typeof(timestamp) = 'text')
                             + (SELECT COUNT(*) FROM secure_tokens WHERE typeof(expires_at) = 'text')
                        """)
                )
            }
            let counts = try await check.read { db in try Int.fetchOne(db, sql: "SELECT SUM(count) FROM message_counts") }
            try check.close()
            #expect(indexes.contains("idx_messages_sender_type") && indexes.contains("idx_agent_memory_lookup"))
            // The Python triggers are gone; only the message counts' own (migration 6) remain.
            #expect(Set(triggers) == ["message_counts_insert", "message_counts_delete", "message_counts_update"])
            #expect(textTimes == 0)
            #expect(counts == before["messages"])

            let session = try #require(try await storage.session(id: "session_aaaaaaaaaaaaaaaa"))
            #expect(session.purpose == "Python era session" && session.createdBy == "alice")
            #expect(session.metadata?["project"] == "legacy" && session.metadata?["participant_count"] == .int(2))
            #expect(session.createdAt == 1_764_000_000.5)
            #expect(session.updatedAt > 1_700_000_000 && session.closedAt == nil)

            let messages = try await storage.messages(
                MessageQuery(sessionID: session.id, countTotal: true), reader: TestIdentities.admin)
            #expect(messages.totalCount == 4)
            #expect(messages.messages.map(\.content) == ["public hello", "a private note", "for claude agents", "admins only"])
            #expect(messages.messages[0].metadata == ["priority": "high"])
            #expect(messages.messages[1].parentMessageID == messages.messages[0].id)
            #expect(messages.messages.map(\.timestamp) == [1_764_000_001, 1_764_000_002, 1_764_000_003, 1_764_000_004])
            let asCarol = try await storage.messages(MessageQuery(sessionID: session.id), reader: TestIdentities.carol)
            #expect(asCarol.messages.map(\.content) == ["public hello", "for claude agents"])

            let config = try #require(try await storage.memory(agentID: "alice", key: "config", scope: .global, now: 1_764_100_000))
            #expect(config.value == ["theme": "light", "n": 4])
            #expect(config.createdAt == 1_764_000_000)
            let raw = try #require(try await storage.memory(
                agentID: "alice", key: "raw", scope: .session(session.id), now: 1_764_100_000))
            #expect(raw.value == "plain text stored raw")
            #expect(abs(raw.updatedAt - 1_764_000_010) < 0.001)
            let listed = try await storage.listMemory(agentID: "bob", scope: .all, prefix: nil, limit: 10, now: 1_764_100_000)
            #expect(listed.map(\.key) == ["expiring"] && listed[0].expiresAt == 4_102_444_800)

            let audit = try await storage.auditEvents(AuditQuery())
            #expect(Set(audit.map(\.eventType)) == ["session_created", "message_added", "jwt_token_generated"])
            #expect(audit.allSatisfy { $0.timestamp > 1_700_000_000 })
            // The Python server's token is kept, under its digest: the database no longer holds it.
            #expect(try await storage.token(id: "sct_3f2b8c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f") == nil)
            let token = try #require(try await storage.token(id: TokenDigest.of("sct_3f2b8c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f")))
            #expect(token.jwtID == nil)
            #expect(token.encryptedJWT == Array("gAAAAABn".utf8) && token.agentID == "alice")
            #expect(abs(token.expiresAt - Timestamp.parseISO("2025-11-24T17:00:00.5+00:00")!) < 0.001)

            // The migrated database keeps working: new ids follow the Python ones.
            let next = try await storage.post("first message from scs", in: session.id, by: TestIdentities.alice)
            #expect(next.id == 6)
        } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }

    @Test("opening twice applies nothing new; a database from a newer version is refused")
    func reopenAndNewer() async throws {
        let database = try TestDatabase()
        let configuration = StorageConfiguration(backend: .sqlite(path: database.path))
        do {
            let again = try SQLiteStorage(configuration: configuration, schema: .migrate)
            #expect(try await again.appliedMigrations() == Migrations.all.map(\.id))
            let worker = try SQLiteStorage(configuration: configuration, schema: .requireCurrent)
            try await worker.ping()
            try await again.close()
            try await worker.close()
            try await database.storage.close()
            let queue = try DatabaseQueue(path: database.path)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO scs_migrations (id, name, applied_at) VALUES (999, 'from_the_future', 0)")
            }
            try queue.close()
            #expect(throws: StorageError.self) { _ = try SQLiteStorage(configuration: configuration, schema: .migrate) }
        } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }

    @Test("migration 5 hashes the tokens and session bindings an earlier version stored in clear")
    func hashesEarlierTokens() async throws {
        let database = try TestDatabase()
        let raw = "sct_11111111-2222-4333-8444-555555555555"
        do {
            try await database.storage.close()
            // Turn the fresh database back into what version 4 wrote: no jwt_id, tokens in clear.
            let queue = try DatabaseQueue(path: database.path)
            try await queue.write { db in
                try db.execute(sql: """
                    DROP INDEX idx_secure_tokens_jwt_id;
                    ALTER TABLE secure_tokens DROP COLUMN jwt_id;
                    DELETE FROM scs_migrations WHERE id >= 5;
                    DROP TRIGGER message_counts_insert;
                    DROP TRIGGER message_counts_delete;
                    DROP TRIGGER message_counts_update;
                    DROP TABLE message_counts;
                    INSERT INTO secure_tokens (token_id, encrypted_jwt, agent_id, expires_at, created_at) VALUES (?, x'01', 'alice', 9e9, 1);
                    INSERT INTO mcp_sessions (id, protocol_version, bound_token, created_at, last_seen) VALUES ('m1', '2025-06-18', ?, 1, 1);
                    INSERT INTO mcp_sessions (id, protocol_version, bound_token, created_at, last_seen) VALUES ('m2', '2025-06-18', NULL, 1, 1);
                    """, arguments: [raw, raw])
            }
            try queue.close()
            let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: database.path)), schema: .migrate)
            #expect(try await storage.appliedMigrations() == Migrations.all.map(\.id))
            #expect(try await storage.token(id: raw) == nil)
            #expect(try await storage.token(id: TokenDigest.of(raw))?.agentID == "alice")
            #expect(try await storage.mcpSession(id: "m1")?.boundTokenDigest == TokenDigest.of(raw))
            #expect(try await storage.mcpSession(id: "m2")?.boundTokenDigest == nil)
            try await storage.close()
            let text = try String(decoding: Data(contentsOf: URL(fileURLWithPath: database.path)), as: UTF8.self)
            #expect(!text.contains(raw))
        } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }

    @Test("a worker refuses a database that was never migrated")
    func workerNeedsCurrentSchema() async throws {
        let directory = NSTemporaryDirectory() + "scs-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = StorageConfiguration(backend: .sqlite(path: directory + "/fresh.db"))
        #expect(throws: StorageError.self) { _ = try SQLiteStorage(configuration: configuration, schema: .requireCurrent) }
    }
}
