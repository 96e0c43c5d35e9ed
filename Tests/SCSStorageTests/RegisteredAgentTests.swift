import Foundation
import SCSCore
import SCSStorage
import SCSTesting
import Testing

@Suite("Registered agents, on every driver")
struct RegisteredAgentTests {
    static func agent(_ id: String, key: String, type: String = "claude") -> RegisteredAgent {
        RegisteredAgent(agentID: id, agentType: type, permissions: ["read", "write"], keyDigest: key, createdAt: 1_000, keyCreatedAt: 1_000)
    }

    @Test("register once, find by id and by key, rotate, revoke, remove", arguments: StorageDriver.allCases)
    func lifecycle(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            try await storage.registerAgent(Self.agent("builder", key: "sha256:k1"))
            try await storage.registerAgent(Self.agent("reviewer", key: "sha256:k2", type: "gemini"))
            let taken = await #expect(throws: SCSError.self) { try await storage.registerAgent(Self.agent("builder", key: "sha256:k3")) }
            #expect(taken?.code == .invalidInput)
            #expect(try await storage.registeredAgent(keyDigest: "sha256:k3") == nil)  // nothing of the refused one was stored
            #expect(try await storage.registeredAgent(id: "builder") == Self.agent("builder", key: "sha256:k1"))
            #expect(try await storage.registeredAgent(keyDigest: "sha256:k2")?.agentID == "reviewer")
            #expect(try await storage.registeredAgents().map(\.agentID) == ["builder", "reviewer"])
            // Rotating replaces the key: the old digest finds nothing.
            #expect(try await storage.replaceAgentKey(agentID: "builder", keyDigest: "sha256:k4", at: 2_000))
            #expect(try await storage.registeredAgent(keyDigest: "sha256:k1") == nil)
            #expect(try await storage.registeredAgent(keyDigest: "sha256:k4")?.keyCreatedAt == 2_000)
            #expect(try await storage.replaceAgentKey(agentID: "nobody", keyDigest: "sha256:k5", at: 2_000) == false)
            // Revoking keeps the row (with when) and can happen once; a revoked agent cannot be rotated back in.
            #expect(try await storage.revokeAgent(agentID: "builder", at: 3_000))
            #expect(try await storage.revokeAgent(agentID: "builder", at: 3_001) == false)
            #expect(try await storage.registeredAgent(keyDigest: "sha256:k4")?.revokedAt == 3_000)
            #expect(try await storage.replaceAgentKey(agentID: "builder", keyDigest: "sha256:k6", at: 3_002) == false)
            #expect(try await storage.removeAgent(agentID: "builder"))
            #expect(try await storage.removeAgent(agentID: "builder") == false)
            #expect(try await storage.registeredAgents().map(\.agentID) == ["reviewer"])
        }
    }

    @Test("the agents seen: senders and callers, each with its type, most recent first", arguments: StorageDriver.allCases)
    func seen(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            _ = try await storage.post("one", in: session.id, by: TestIdentities.alice)
            _ = try await storage.post("two", in: session.id, by: TestIdentities.bob)
            try await storage.recordActivity(sessionID: session.id, agentID: "watcher", agentType: "cursor", at: Date().timeIntervalSince1970 + 60)
            let seen = try await storage.seenAgents(limit: 10)
            #expect(seen.first?.agentID == "watcher" && seen.first?.agentType == "cursor")
            #expect(Set(seen.map(\.agentID)) == ["watcher", "alice", "bob"])
            #expect(seen.first { $0.agentID == "bob" }?.agentType == "gemini")
            #expect(try await storage.seenAgents(limit: 1).count == 1)
        }
    }
}
