import Foundation
import GRDB
import SCSCore
import SCSStorage
import SCSStorageSQLite
import Testing

@Suite("Write transactions: audit rows with their write, WAL kept short under steady writes")
struct WriteTransactionTests {
    @Test("a session or token and its audit row are stored together, or neither is")
    func auditWithWrite() async throws {
        try await TestDatabase.with { storage in
            let new = NewSession(purpose: "p", createdBy: "alice", createdAt: 5)
            let audit = NewAuditEvent(eventType: "session_created", agentID: "alice", sessionID: new.id, timestamp: 5)
            _ = try await storage.createSession(new, audit: audit)
            #expect(try await storage.auditEvents(AuditQuery(sessionID: new.id)).map(\.eventType) == ["session_created"])

            // The same id again: the insert fails, so its audit row must not appear either.
            await #expect(throws: (any Error).self) {
                _ = try await storage.createSession(new, audit: NewAuditEvent(eventType: "again", agentID: "alice", timestamp: 6))
            }
            #expect(try await storage.auditEvents(AuditQuery(eventType: "again")).isEmpty)

            let token = TokenRecord(tokenID: "sct_a", encryptedJWT: [1], agentID: "alice", expiresAt: 50, createdAt: 1)
            try await storage.insertToken(token, audit: NewAuditEvent(eventType: "jwt_token_generated", agentID: "alice", timestamp: 7))
            await #expect(throws: (any Error).self) {
                try await storage.insertToken(token, audit: NewAuditEvent(eventType: "duplicate_token", agentID: "alice", timestamp: 8))
            }
            #expect(try await storage.auditEvents(AuditQuery(eventType: "jwt_token_generated")).count == 1)
            #expect(try await storage.auditEvents(AuditQuery(eventType: "duplicate_token")).isEmpty)
            #expect(try await storage.token(id: "sct_a") != nil)
        }
    }

    /// The checkpoint sequence number in the WAL header (bytes 12–15, big-endian): SQLite adds one
    /// each time it starts the WAL over.
    static func walRestarts(_ path: String) throws -> UInt32 {
        let header = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "-wal")).prefix(16))
        return header[12...15].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Without the writer's own short pass the background checkpoint never catches up with a
    /// steady stream of commits (a newer frame is always there), so SQLite never starts the WAL
    /// over and it keeps every frame ever written. Commits go on without pause until the WAL has
    /// started over twice (about a second; up to 30 s on a machine busy with other tests).
    @Test("under a steady stream of commits the WAL is started over again and again")
    func walRestarts() async throws {
        let db = try TestDatabase()
        var commits = 0
        let before: UInt32
        let after: UInt32
        do {
            try await db.storage.appendAudit(NewAuditEvent(eventType: "first", agentID: "alice", timestamp: 0))
            before = try Self.walRestarts(db.path)
            let start = Date()
            var restarts = before
            while restarts &- before < 2 && Date().timeIntervalSince(start) < 30 {
                try await db.storage.appendAudit(NewAuditEvent(eventType: "tick", agentID: "alice", timestamp: Double(commits)))
                commits += 1
                if commits % 64 == 0 { restarts = try Self.walRestarts(db.path) }
            }
            after = try Self.walRestarts(db.path)
        } catch {
            await db.remove()
            throw error
        }
        await db.remove()
        #expect(after &- before >= 2, "WAL started over \(after &- before) times in \(commits) commits")
    }
}
