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
        return (TokenService(store: storage, secrets: secrets, configuration: AuthConfiguration(), clock: clock, cacheLifetime: 0), storage)
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
        let stored = try #require(try await storage.token(id: TokenDigest.of(issued.token)))
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
        #expect(await code { try await tokens.revoke(.presented(fresh.token), by: other) } == "TOKEN_NOT_FOUND")
        try await tokens.revoke(.presented(fresh.token), by: fresh.identity)
        #expect(await code { _ = try await tokens.resolve(fresh.token) } == "TOKEN_AUTHENTICATION_FAILED")

        let late = try await tokens.issue(agentID: "a2", agentType: "claude", requested: ["read"])
        #expect(try await tokens.sweep() == 0)  // nothing is past its JWT's lifetime yet
        clock.advance(by: 86_400 + 3_600 + 301)
        #expect(try await tokens.sweep() == 1)
        #expect(try await storage.token(id: TokenDigest.of(late.token)) == nil)
    }

    static let cipher = TokenCipher(encryptionKey: String(repeating: "c", count: 40))

    @Test("the database holds digests only; a raw JWT works only while its token row is live")
    func digestsAndRawJWTs() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock()
        let (tokens, storage) = try service(clock)
        let issued = try await tokens.issue(agentID: "a1", agentType: "claude", requested: ["read", "write"])
        #expect(try await storage.token(id: issued.token) == nil)
        let stored = try #require(try await storage.token(id: TokenDigest.of(issued.token)))
        #expect(stored.tokenID.hasPrefix("sha256:") && stored.tokenID.count == 71 && !stored.tokenID.contains(issued.token))
        // The digest itself is not a token a client can present.
        #expect(await code { _ = try await tokens.resolve(stored.tokenID) } == "INVALID_TOKEN_FORMAT")
        #expect(try await tokens.resolve(.bound(digest: stored.tokenID)).agentID == "a1")

        let jwt = try #require(Self.cipher.open(stored.encryptedJWT, tokenID: stored.tokenID))
        #expect(stored.jwtID != nil && TokenService.looksLikeJWT(jwt))
        #expect(try await tokens.resolve(jwt).agentID == "a1")
        // Refreshing retires the old row, and the JWT behind it with it.
        let (fresh, _) = try await tokens.refresh(issued.token)
        #expect(await code { _ = try await tokens.resolve(jwt) } == "TOKEN_AUTHENTICATION_FAILED")
        let freshRow = try #require(try await storage.token(id: TokenDigest.of(fresh.token)))
        let freshJWT = try #require(Self.cipher.open(freshRow.encryptedJWT, tokenID: freshRow.tokenID))
        #expect(try await tokens.resolve(freshJWT).agentID == "a1")
        try await tokens.revoke(.bound(digest: freshRow.tokenID), by: fresh.identity)
        #expect(await code { _ = try await tokens.resolve(freshJWT) } == "TOKEN_AUTHENTICATION_FAILED")
        #expect(await code { _ = try await tokens.resolve(fresh.token) } == "TOKEN_AUTHENTICATION_FAILED")

        // A correctly signed JWT whose jti names no token row (e.g. minted with a leaked secret).
        let forged = JWTCodec(secret: String(repeating: "b", count: 40)).sign(AgentClaims(
            agentID: "a1", agentType: "claude", permissions: ["read"], issuedAt: clock.now(), expiresAt: clock.now() + 600,
            jwtID: "not-a-token"))
        #expect(await code { _ = try await tokens.resolve(forged) } == "TOKEN_AUTHENTICATION_FAILED")
    }

    @Test("a row written before tokens were hashed (sealed with the token itself) still resolves when presented")
    func legacySealedRow() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock()
        let (tokens, storage) = try service(clock)
        let token = "sct_" + UUID().uuidString.lowercased()
        let jwt = JWTCodec(secret: String(repeating: "b", count: 40)).sign(AgentClaims(
            agentID: "old", agentType: "claude", permissions: ["read", "write"], issuedAt: clock.now(),
            expiresAt: clock.now() + 86_400, jwtID: "j1"))
        // What migration 5 leaves of such a row: the id hashed, the ciphertext and its associated data as they were.
        try await storage.insertToken(TokenRecord(
            tokenID: TokenDigest.of(token), encryptedJWT: try Self.cipher.seal(jwt, tokenID: token), agentID: "old",
            expiresAt: clock.now() + 3_600, createdAt: clock.now()), audit: nil)
        #expect(try await tokens.resolve(token).agentID == "old")
        let (fresh, recovered) = try await tokens.refresh(token)
        #expect(!recovered)
        #expect(try await tokens.resolve(.bound(digest: TokenDigest.of(fresh.token))).agentID == "old")
    }
}
