import SCSCore
import SCSStorage
import SCSStorageSQLite
import Testing

@Suite("Dashboard logins on a real SQLite file")
struct DashboardLoginTests {
    @Test("a login reads back until it expires; logout ends it once; another process sees the same logins")
    func lifecycle() async throws {
        let database = try TestDatabase()
        defer { Task { await database.remove() } }
        let storage = database.storage
        let admin = DashboardLogin(id: "login-admin", principal: .admin, createdAt: 1_000, expiresAt: 2_000)
        try await storage.createDashboardLogin(admin)
        #expect(try await storage.dashboardLogin(id: "login-admin", now: 1_500) == admin)
        #expect(try await storage.dashboardLogin(id: "login-admin", now: 2_000) == nil)
        #expect(try await storage.dashboardLogin(id: "nobody", now: 1_500) == nil)
        // A second process (a restarted supervisor, another node) on the same file.
        let other = try SQLiteStorage(configuration: .init(backend: .sqlite(path: database.path)), schema: .requireCurrent)
        #expect(try await other.dashboardLogin(id: "login-admin", now: 1_500)?.principal == .admin)
        #expect(try await other.deleteDashboardLogin(id: "login-admin"))
        #expect(try await storage.dashboardLogin(id: "login-admin", now: 1_500) == nil)
        #expect(try await storage.deleteDashboardLogin(id: "login-admin") == false)
        try await other.close()
    }
}
