import Foundation
import SCSCore
import SCSStorage
import SCSTesting
import Testing
import OrderedCollections

@Suite("Audit log and tokens, on every driver")
struct AuditAndTokenTests {
    @Test("audit rows are appended and queried newest first with filters", arguments: StorageDriver.allCases)
    func audit(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
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

    @Test("tokens: insert, read, replace once only, delete, purge expired", arguments: StorageDriver.allCases)
    func tokens(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
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
}
