import Foundation
import SCSCore
import SCSStorage
import SCSStorageSQLite
import Testing
import OrderedCollections

@Suite("Audit log and tokens")
struct AuditAndTokenTests {
    @Test("audit rows are appended and queried newest first with filters")
    func audit() async throws {
        try await TestDatabase.with { storage in
            let session = try await storage.makeSession()
            for index in 0..<5 {
                try await storage.appendAudit(NewAuditEvent(
                    eventType: index.isMultiple(of: 2) ? "message_added" : "memory_set", agentID: index < 3 ? "alice" : "bob",
                    sessionID: index == 4 ? session.id : nil, metadata: ["n": .int(Int64(index))], timestamp: 100 + Double(index)))
            }
            let all = try await storage.auditEvents(AuditQuery())
            #expect(all.map(\.timestamp) == [104, 103, 102, 101, 100])
            #expect(try await storage.auditEvents(AuditQuery(agentID: "alice")).count == 3)
            #expect(try await storage.auditEvents(AuditQuery(eventType: "memory_set")).map(\.metadata?["n"]) == [.int(3), .int(1)])
            #expect(try await storage.auditEvents(AuditQuery(sessionID: session.id)).count == 1)
            #expect(try await storage.auditEvents(AuditQuery(since: 103)).count == 2)
            #expect(try await storage.auditEvents(AuditQuery(limit: 2)).count == 2)
            #expect(try await storage.deleteAudit(before: 102) == 2)
            #expect(try await storage.auditEvents(AuditQuery()).count == 3)
        }
    }

    @Test("tokens: insert, read, replace once only, delete, purge expired")
    func tokens() async throws {
        try await TestDatabase.with { storage in
            let bytes: [UInt8] = [0, 1, 2, 255, 254]
            let first = TokenRecord(tokenID: "sct_1", encryptedJWT: bytes, agentID: "alice", expiresAt: 500, createdAt: 100)
            try await storage.insertToken(first)
            #expect(try await storage.token(id: "sct_1") == first)
            let second = TokenRecord(tokenID: "sct_2", encryptedJWT: [9], agentID: "alice", expiresAt: 900, createdAt: 200)
            #expect(try await storage.replaceToken(oldID: "sct_1", with: second))
            let third = TokenRecord(tokenID: "sct_3", encryptedJWT: [7], agentID: "alice", expiresAt: 900, createdAt: 200)
            #expect(try await storage.replaceToken(oldID: "sct_1", with: third) == false)
            #expect(try await storage.token(id: "sct_1") == nil)
            #expect(try await storage.token(id: "sct_3") == nil)
            try await storage.insertToken(TokenRecord(tokenID: "sct_old", encryptedJWT: [1], agentID: "bob", expiresAt: 50, createdAt: 1))
            #expect(try await storage.deleteExpiredTokens(now: 100) == 1)
            #expect(try await storage.deleteToken(id: "sct_2"))
            #expect(try await storage.deleteToken(id: "sct_2") == false)
            try await storage.insertToken(TokenRecord(
                tokenID: "sha256:x", encryptedJWT: [1], agentID: "bob", expiresAt: 500, createdAt: 1, jwtID: "jti-1"))
            #expect(try await storage.token(id: "sha256:x")?.jwtID == "jti-1")
            #expect(try await storage.hasLiveToken(jwtID: "jti-1", now: 100))
            #expect(try await storage.hasLiveToken(jwtID: "jti-1", now: 500) == false)
            #expect(try await storage.hasLiveToken(jwtID: "jti-2", now: 100) == false)
        }
    }

    @Test("file descriptors stay flat however many calls are made")
    func descriptorsStayFlat() async throws {
        let database = try TestDatabase()
        let storage = database.storage
        do {
            let session = try await storage.makeSession()
            /// Descriptors of this process open on this database's files (other tests run in parallel).
            func openDescriptors() throws -> Int {
                try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd))?
                        .hasPrefix(database.directory) == true
                }.count
            }
            func burst(_ count: Int) async throws {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<count {
                        group.addTask {
                            try await storage.post("m\(index)", in: session.id, by: Agents.alice)
                            _ = try await storage.messages(MessageQuery(sessionID: session.id, limit: 5), reader: Agents.bob)
                            _ = try await storage.memory(agentID: "alice", key: "k", scope: .global, now: 1)
                        }
                    }
                    try await group.waitForAll()
                }
            }
            try await burst(200)  // warm the pool up to its bound
            let warm = try openDescriptors()
            #expect(warm >= 2 && warm <= 2 * (4 + 2) + 1)  // readers + writer + checkpointer (db and wal each) + shm
            for _ in 0..<5 { try await burst(400) }
            #expect(try openDescriptors() <= warm)
        } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }
}
