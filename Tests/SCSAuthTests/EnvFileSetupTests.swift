import Foundation
import SCSAuth
import SCSCore
import Testing

@Suite("scs setup writes secrets")
struct EnvFileSetupTests {
    func temporaryPath() throws -> (String, String) {
        let directory = NSTemporaryDirectory() + "scs-setup-\(UUID().uuidString)"
        return (directory, directory + "/nested/scs.env")
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("generates strong keys with mode 0600, keeps them without --force, replaces them with it")
    func lifecycle() throws {
        let (directory, path) = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let setup = EnvFileSetup(path: path)
        let first = try setup.run(force: false)
        #expect(first.written == SecretsConfiguration.names)
        #expect(try mode(path) == 0o600)
        let keys = try EnvFile.load(path: path)
        _ = try SecretsConfiguration(environment: ConfigEnvironment(keys.values))
        #expect(Set(SecretsConfiguration.names.compactMap { keys[$0] }).count == 3)
        #expect(keys["JWT_ENCRYPTION_KEY"].map { Data(base64Encoded: $0.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"))?.count } == 32)

        let second = try setup.run(force: false)
        #expect(second.written.isEmpty && second.kept == SecretsConfiguration.names)
        #expect(try EnvFile.load(path: path) == keys)

        let forced = try setup.run(force: true)
        #expect(forced.written == SecretsConfiguration.names)
        let replaced = try EnvFile.load(path: path)
        for name in SecretsConfiguration.names { #expect(replaced[name] != keys[name]) }
    }

    @Test("adds only missing keys, keeps other settings, flags short existing keys")
    func partial() throws {
        let (directory, path) = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/nested", withIntermediateDirectories: true)
        try "# mine\nHTTP_PORT=9999\nAPI_KEY=short\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        let outcome = try EnvFileSetup(path: path).run(force: false)
        #expect(outcome.written == ["JWT_SECRET_KEY", "JWT_ENCRYPTION_KEY"])
        #expect(outcome.kept == ["API_KEY"] && outcome.tooShort == ["API_KEY"])
        let file = try EnvFile.load(path: path)
        #expect(file["HTTP_PORT"] == "9999" && file["API_KEY"] == "short")
        #expect(file.text.hasPrefix("# mine\n"))
        #expect(try mode(path) == 0o600)
    }

    @Test("generated secrets differ every time")
    func randomness() {
        let secrets = (0..<50).map { _ in SecretGenerator.base64Secret() }
        #expect(Set(secrets).count == 50 && secrets.allSatisfy { $0.utf8.count == 44 })
    }
}
