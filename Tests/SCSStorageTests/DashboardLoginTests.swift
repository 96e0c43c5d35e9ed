import Foundation
import SCSCore
import SCSStorage
import SCSTesting
import Testing
import OrderedCollections

@Suite("Dashboard logins, on every driver")
struct DashboardLoginTests {
    @Test("revoking a token ends exactly the logins made with it; expired logins are purged", arguments: StorageDriver.allCases)
    func revocationAndExpiry(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            for (id, digest, expiry) in [("a1", "sha256:aa", 5_000.0), ("a2", "sha256:aa", 5_000), ("b1", "sha256:bb", 5_000), ("old", "sha256:cc", 1_500)] {
                try await storage.createDashboardLogin(
                    DashboardLogin(id: id, principal: .agent, agentID: "agent-\(id)", tokenDigest: digest, createdAt: 1_000, expiresAt: expiry))
            }
            #expect(Set(try await storage.deleteDashboardLogins(tokenDigest: "sha256:aa")) == ["a1", "a2"])
            #expect(try await storage.dashboardLogin(id: "a1", now: 2_000) == nil)
            #expect(try await storage.dashboardLogin(id: "b1", now: 2_000)?.agentID == "agent-b1")
            #expect(try await storage.deleteExpiredDashboardLogins(now: 2_000) == 1)
            #expect(try await storage.deleteExpiredDashboardLogins(now: 2_000) == 0)
            #expect(try await storage.dashboardLogin(id: "b1", now: 2_000) != nil)
        }
    }
}
