import GRDB
import SCSCore
import SCSStorage
import SCSStorageSQLite
import SCSTesting
import Testing

/// The message_counts triggers see every writer of the file, not only this server.
@Suite("Message counts on a real SQLite file")
struct MessageCountTriggerTests {
    @Test("totals stay right through visibility changes and rows another program writes into the file")
    func totalsFollowEveryWriter() async throws {
        let database = try TestDatabase()
        defer { Task { await database.remove() } }
        let storage = database.storage
        let session = try await storage.makeSession()
        var ids: [Int64] = []
        for n in 0..<6 { ids.append(try await storage.post("note \(n)", in: session.id, by: TestIdentities.alice, .public).id) }
        _ = try await storage.setVisibility(messageID: ids[0], to: .private, at: 3_000)
        _ = try await storage.setVisibility(messageID: ids[1], to: .adminOnly, at: 3_000)
        // Another writer (the Python server, a script) knows nothing of the counts table.
        let other = try DatabaseQueue(path: database.path)
        let deleted = ids[2]
        try await other.write { db in
            for n in 0..<3 {
                try db.execute(
                    sql: "INSERT INTO messages (session_id, sender, sender_type, content, visibility, timestamp) VALUES (?, 'dave', 'gemini', ?, 'public', 3001)",
                    arguments: [session.id, "outside \(n)"])
            }
            try db.execute(sql: "DELETE FROM messages WHERE id = ?", arguments: [deleted])
        }
        try other.close()
        let total = { (reader: AgentIdentity) in
            try await storage.messages(MessageQuery(sessionID: session.id, limit: 1, countTotal: true), reader: reader).totalCount
        }
        #expect(try await total(TestIdentities.bob) == 3 + 3)  // 6 public - 2 changed - 1 deleted, + 3 outside
        #expect(try await total(TestIdentities.alice) == 3 + 3 + 1)  // and her private one
        #expect(try await total(TestIdentities.admin) == 8)
    }
}
