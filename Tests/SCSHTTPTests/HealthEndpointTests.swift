import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import SCSApplication
import SCSAuth
import SCSCore
import SCSHTTP
import SCSStorage
import SCSStorageSQLite
import SCSSupervisor
import Testing
import OrderedCollections

@Suite("GET /health")
struct HealthEndpointTests {
    @Test("reports the database and (no) workers; degraded when a role has no ready worker")
    func degradedWithoutWorkers() async throws {
        let directory = NSTemporaryDirectory() + "scs-http-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: directory + "/scs.db")), schema: .migrate)
        let supervisor = Supervisor(
            options: SupervisorOptions(runtimeDirectory: directory, searchWorkers: 1, workerEnvironment: [:], version: "t"),
            logger: Logger(label: "t"))
        let router = Router()
        let health = HealthReport(supervisor: supervisor, storage: storage, version: "9.9.9", live: { ["long_polls": 0] })
        HealthEndpoint(apiKey: APIKeyVerifier(apiKey: String(repeating: "k", count: 40))) { await health.report() }.register(on: router)
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                // Without the key: only up or down.
                let body = try JSONValue.parse(Array(response.body.readableBytesView))
                #expect(body == ["status": "up"])
            }
            try await client.execute(uri: "/health", method: .get, headers: [HTTPField.Name("X-API-Key")!: String(repeating: "k", count: 40)]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let body = try JSONValue.parse(Array(response.body.readableBytesView))
                #expect(body["status"] == "degraded" && body["version"] == "9.9.9")
                #expect(body["database"]?["status"] == "healthy" && body["database"]?["backend"] == "sqlite")
                #expect((body["database"]?["size_bytes"]?.intValue ?? 0) > 0)
                #expect(body["workers"] == [] && body["limits"] == ["long_polls": 0])
            }
        }
        try await storage.close()
    }
}

@Suite("The anonymous health answer")
struct LivenessCacheTests {
    @Test("a flood of anonymous checks costs one check per max age")
    func flood() async {
        let cache = LivenessCache(maxAge: .seconds(60)) { true }
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { await cache.value() } }
            for await up in group { #expect(up) }
        }
        #expect(cache.checkCount == 1)
        cache.record(false)
        #expect(await cache.value() == false)
        #expect(cache.checkCount == 1)
    }
}
