import Foundation
import SCSAuth
import SCSCore
import SCSStorage
import SCSStorageSQLite
import Testing

/// TokenService over a real SQLite file with a manual clock: lifetimes, refresh, revoke, sweep.
@Suite("Agent tokens over SQLite")
struct TokenServiceTests {
    let directory = NSTemporaryDirectory() + "scs-tokens-\(UUID().uuidString.prefix(8))"

    func service(_ clock: ManualClock) throws -> (TokenService, SQLiteStorage) {
        let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: directory + "/t.db")), schema: .migrate)
        let secrets = SecretsConfiguration(
            apiKey: String(repeating: "a", count: 40), jwtSecretKey: String(repeating: "b", count: 40),
            jwtEncryptionKey: String(repeating: "c", count: 40))
        return (TokenService(store: storage, secrets: secrets, configuration: AuthConfiguration(), clock: clock), storage)
    }

    func code(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as SCSError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    @Test("expiry after an hour, refresh (recovering an expired token), revoke, and the sweeper")
    func lifecycle() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock()
        let (tokens, storage) = try service(clock)
        let issued = try await tokens.issue(agentID: "a1", agentType: "claude", requested: ["read", "write", "admin"])
        #expect(issued.identity.permissions == [.read, .write])
        #expect(try await tokens.resolve(issued.token).agentID == "a1")
        let stored = try #require(try await storage.token(id: issued.token))
        // Encrypted at rest: no JWT text (a JWT's payload starts ".eyJ"; a 2-byte probe like "a1"
        // turns up by chance in random ciphertext about once in 200 runs).
        #expect(!String(decoding: stored.encryptedJWT, as: UTF8.self).contains(".eyJ"))

        clock.advance(by: 3_601)
        #expect(await code { _ = try await tokens.resolve(issued.token) } == "TOKEN_AUTHENTICATION_FAILED")
        let (fresh, recovered) = try await tokens.refresh(issued.token)
        #expect(recovered)
        #expect(try await tokens.resolve(fresh.token).agentID == "a1")
        #expect(await code { _ = try await tokens.refresh(issued.token) } == "TOKEN_REFRESH_FAILED")

        let other = AgentIdentity(agentID: "someone-else", agentType: "claude", permissions: [.read, .write])
        #expect(await code { try await tokens.revoke(fresh.token, by: other) } == "TOKEN_NOT_FOUND")
        try await tokens.revoke(fresh.token, by: fresh.identity)
        #expect(await code { _ = try await tokens.resolve(fresh.token) } == "TOKEN_AUTHENTICATION_FAILED")

        let late = try await tokens.issue(agentID: "a2", agentType: "claude", requested: ["read"])
        #expect(try await tokens.sweep() == 0)  // nothing is past its JWT's lifetime yet
        clock.advance(by: 86_400 + 3_600 + 301)
        #expect(try await tokens.sweep() == 1)
        #expect(try await storage.token(id: late.token) == nil)
    }
}
