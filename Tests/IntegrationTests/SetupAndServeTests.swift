import Foundation
import SCSCore
import SCSStorage
import SCSStorageSQLite
import Testing

@Suite("scs setup and scs serve as a new user runs them", .serialized)
struct SetupAndServeTests {
    @Test("serve without keys exits 78 and says to run scs setup")
    func serveWithoutKeys() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (status, child) = try await SCSProcess.run(["serve"], environment: sandbox.environment(), directory: sandbox.work)
        #expect(status == 78)
        #expect(child.stderr.contains("scs setup"))
        #expect(child.stderr.contains("API_KEY"))
    }

    @Test("setup, then serve gets past configuration, migrates, and stops cleanly on SIGTERM")
    func setupThenServe() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (setupStatus, setup) = try await SCSProcess.run(["setup"], environment: sandbox.environment(), directory: sandbox.work)
        #expect(setupStatus == 0)
        #expect(setup.stdout.contains(sandbox.envFile))
        let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.envFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let keys = try String(contentsOfFile: sandbox.envFile, encoding: .utf8).split(separator: "\n").compactMap {
            $0.split(separator: "=", maxSplits: 1).last.map(String.init)
        }
        #expect(keys.count == 3)
        for key in keys { #expect(!setup.stdout.contains(key) && !setup.stderr.contains(key)) }

        let (againStatus, again) = try await SCSProcess.run(["setup"], environment: sandbox.environment(), directory: sandbox.work)
        #expect(againStatus == 0 && again.stdout.contains("Kept existing"))
        let keysAfter = try String(contentsOfFile: sandbox.envFile, encoding: .utf8)
        for key in keys { #expect(keysAfter.contains(key)) }

        let serve = try SCSProcess(["serve", "--port", "0"], environment: sandbox.environment(), directory: sandbox.work)
        #expect(try await serve.waitForOutput("all workers ready"))
        kill(serve.process.processIdentifier, SIGTERM)
        #expect(try await serve.waitForExit() == 0)
        for key in keys { #expect(!serve.stderr.contains(key) && !serve.stdout.contains(key)) }
        let database = sandbox.home + "/.local/share/shared-context-server/scs.db"
        let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: database)), schema: .requireCurrent)
        #expect(try await storage.appliedMigrations() == Migrations.all.map(\.id))
    }

    @Test("a short secret or an unsupported database exits 78 without echoing the value")
    func badConfiguration() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let strong = String(repeating: "s", count: 40)
        let short = "only-twenty-chars-xx"
        let (status, child) = try await SCSProcess.run(
            ["serve"],
            environment: sandbox.environment(["API_KEY": strong, "JWT_SECRET_KEY": short, "JWT_ENCRYPTION_KEY": strong]),
            directory: sandbox.work)
        #expect(status == 78)
        #expect(child.stderr.contains("JWT_SECRET_KEY") && child.stderr.contains("32 bytes"))
        #expect(!child.stderr.contains(short) && !child.stderr.contains(strong))

        let keys = ["API_KEY": strong, "JWT_SECRET_KEY": strong, "JWT_ENCRYPTION_KEY": strong]
        let (portStatus, _) = try await SCSProcess.run(
            ["serve"], environment: sandbox.environment(keys.merging(["HTTP_PORT": "not-a-port"]) { $1 }), directory: sandbox.work)
        #expect(portStatus == 78)
        let (urlStatus, urlChild) = try await SCSProcess.run(
            ["serve"], environment: sandbox.environment(keys.merging(["DATABASE_URL": "mysql://db/x"]) { $1 }),
            directory: sandbox.work)
        #expect(urlStatus == 78 && urlChild.stderr.contains("DATABASE_URL"))
    }

    @Test("--help names the subcommands; --version prints a version")
    func help() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (status, child) = try await SCSProcess.run(["--help"], environment: sandbox.environment(), directory: sandbox.work)
        #expect(status == 0 && child.stdout.contains("setup") && child.stdout.contains("serve"))
        let (versionStatus, version) = try await SCSProcess.run(["--version"], environment: sandbox.environment(), directory: sandbox.work)
        #expect(versionStatus == 0 && !version.stdout.isEmpty)
    }
}
