import Foundation
public import SCSCore
public import SCSStorage
import Synchronization

/// Recently resolved tokens (a few seconds at most), so a busy agent does not pay a database read,
/// a decryption and a signature check on every call. Entries are keyed by the token's digest, so
/// a revocation or refresh made here or announced by another node (`forget(digest:)`) drops the
/// entry at once.
final class ResolvedTokenCache: Sendable {
    struct Entry {
        let identity: AgentIdentity
        let validUntil: Double
    }

    struct State {
        var entries: [String: Entry] = [:]
        /// Tokens removed recently: a resolve that read the row before the removal must not put
        /// them back.
        var removed: [String: Double] = [:]
    }

    let lifetime: Double
    let state = Mutex(State())
    /// Told of each token refreshed away here (other nodes drop it from their caches).
    let refreshed = Mutex<(@Sendable (String) async -> Void)?>(nil)

    init(lifetime: Double) { self.lifetime = lifetime }

    func get(_ token: String, now: Double) -> AgentIdentity? {
        state.withLock { state in
            guard let entry = state.entries[token] else { return nil }
            guard entry.validUntil > now else {
                state.entries[token] = nil
                return nil
            }
            return entry.identity
        }
    }

    func put(_ token: String, _ identity: AgentIdentity, now: Double, expiresAt: Double) {
        guard lifetime > 0 else { return }
        state.withLock { state in
            if let removedAt = state.removed[token], now - removedAt < lifetime * 2 { return }
            if state.entries.count >= 10_000 { state.entries = state.entries.filter { $0.value.validUntil > now } }
            if state.entries.count < 10_000 { state.entries[token] = Entry(identity: identity, validUntil: min(now + lifetime, expiresAt)) }
        }
    }

    func remove(_ token: String, now: Double) {
        state.withLock { state in
            state.entries[token] = nil
            if state.removed.count >= 10_000 { state.removed = state.removed.filter { now - $0.value < lifetime * 2 } }
            state.removed[token] = now
        }
    }
}

/// A freshly issued agent token.
public struct IssuedToken: Sendable {
    /// `sct_<uuid4>`: the only thing the client ever sees.
    public var token: String
    public var identity: AgentIdentity
    public var issuedAt: Double
    /// When the `sct_` token stops working (refresh before).
    public var expiresAt: Double
}

/// Agent tokens: an opaque `sct_<uuid4>` id in front of an HS256 JWT that is stored
/// AES-GCM-encrypted in `secure_tokens`, under the token's SHA-256 digest (README "Security").
public struct TokenService: Sendable {
    let store: any TokenStore
    let codec: JWTCodec
    let cipher: TokenCipher
    let policy: PermissionPolicy
    let configuration: AuthConfiguration
    let clock: any WallClock
    let cache: ResolvedTokenCache

    /// Seconds a resolved token stays cached (a revocation on this node drops it at once).
    public static let defaultCacheLifetime: Double = 5

    public init(
        store: any TokenStore, secrets: SecretsConfiguration, configuration: AuthConfiguration,
        policy: PermissionPolicy = .standard, clock: any WallClock = SystemClock(), cacheLifetime: Double = TokenService.defaultCacheLifetime
    ) {
        cache = ResolvedTokenCache(lifetime: cacheLifetime)
        self.store = store
        codec = JWTCodec(secret: secrets.jwtSecretKey)
        cipher = TokenCipher(encryptionKey: secrets.jwtEncryptionKey)
        self.policy = policy
        self.configuration = configuration
        self.clock = clock
    }

    /// `^sct_` + lowercase uuid4 with hyphens.
    public static func isProtectedToken(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 40, text.hasPrefix("sct_") else { return false }
        for (index, byte) in bytes.dropFirst(4).enumerated() {
            let isHyphen = [8, 13, 18, 23].contains(index)
            if isHyphen ? byte != 0x2D : !((0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)) { return false }
        }
        return true
    }

    /// Three dot-separated base64url parts (a raw JWT, accepted for compatibility).
    public static func looksLikeJWT(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { part in
            var body = part
            var padding = 0
            while body.hasSuffix("=") { body = body.dropLast(); padding += 1 }
            return !body.isEmpty && padding <= 2 && body.utf8.allSatisfy(Base64URL.isAlphabet)
        }
    }

    /// A prefix safe to log or return (`sct_1234…`): never the whole token.
    public static func prefix(_ token: String) -> String { String(token.prefix(8)) }

    /// `authenticate_agent` after the API key was checked. `audit` describes the audit row that is
    /// stored in the same transaction as the token (given the identity with its granted permissions).
    public func issue(
        agentID: String, agentType: String, requested: [String], audit: (AgentIdentity) -> NewAuditEvent? = { _ in nil }
    ) async throws -> IssuedToken {
        let permissions = policy.grant(agentType: agentType, requested: requested)
        let identity = AgentIdentity(agentID: agentID, agentType: agentType, permissions: permissions)
        return try await mint(identity, audit: audit(identity))
    }

    func mint(_ identity: AgentIdentity, audit: NewAuditEvent? = nil) async throws -> IssuedToken {
        let (record, issued) = try makeRecord(identity)
        try await store.insertToken(record, audit: audit)
        return issued
    }

    func makeRecord(_ identity: AgentIdentity) throws -> (TokenRecord, IssuedToken) {
        let now = clock.now()
        let claims = AgentClaims(
            agentID: identity.agentID, agentType: identity.agentType, permissions: identity.permissionNames,
            issuedAt: now, expiresAt: now + configuration.jwtTokenExpiry, jwtID: UUID().uuidString.lowercased())
        let token = "sct_" + UUID().uuidString.lowercased()
        let digest = TokenDigest.of(token)
        let expiresAt = now + configuration.protectedTokenLifetime
        let record = TokenRecord(
            tokenID: digest, encryptedJWT: try cipher.seal(codec.sign(claims), tokenID: digest), agentID: identity.agentID,
            expiresAt: expiresAt, createdAt: now, jwtID: claims.jwtID)
        return (record, IssuedToken(token: token, identity: identity, issuedAt: now, expiresAt: expiresAt))
    }

    /// The identity behind an `auth_token` argument or bearer token. Throws the envelope errors
    /// INVALID_TOKEN_FORMAT / TOKEN_AUTHENTICATION_FAILED.
    public func resolve(_ token: String) async throws -> AgentIdentity {
        try await resolve(.presented(token))
    }

    /// The identity behind a presented or session-bound token.
    public func resolve(_ credential: TokenCredential) async throws -> AgentIdentity {
        let now = clock.now()
        if case .presented(let token) = credential, !Self.isProtectedToken(token) {
            guard Self.looksLikeJWT(token) else { throw SCSError.invalidTokenFormat }
            return try await liveIdentity(jwt: token, now: now)
        }
        let key = credential.digest
        if let cached = cache.get(key, now: now) { return cached }
        guard let record = try await store.token(id: credential.digest), record.expiresAt > now else {
            throw SCSError.tokenAuthenticationFailed("Protected token invalid or expired")
        }
        let identity = try identity(of: record, credential: credential)
        cache.put(key, identity, now: now, expiresAt: record.expiresAt)
        return identity
    }

    /// A raw JWT: valid signature and claims, and its `jti` still names a live token row (so a
    /// JWT stops working when its `sct_` token is revoked, refreshed or expires).
    func liveIdentity(jwt: String, now: Double) async throws -> AgentIdentity {
        let (claims, identity) = try verified(jwt: jwt)
        guard !claims.jwtID.isEmpty, try await store.hasLiveToken(jwtID: claims.jwtID, now: now) else {
            throw SCSError.tokenAuthenticationFailed("JWT validation failed: token revoked or unknown")
        }
        return identity
    }

    /// Rows are sealed with their digest as associated data; rows written before tokens were
    /// hashed were sealed with the token itself, which only a presented token can supply.
    func identity(of record: TokenRecord, credential: TokenCredential) throws -> AgentIdentity {
        var jwt = cipher.open(record.encryptedJWT, tokenID: record.tokenID)
        if jwt == nil, case .presented(let token) = credential { jwt = cipher.open(record.encryptedJWT, tokenID: token) }
        guard let jwt else { throw SCSError.tokenAuthenticationFailed("Protected token invalid or expired") }
        return try verified(jwt: jwt).identity
    }

    /// A JWT's claims and identity; its permissions never exceed what its agent type allows.
    func verified(jwt: String) throws -> (claims: AgentClaims, identity: AgentIdentity) {
        let claims: AgentClaims
        do {
            claims = try codec.verify(jwt, now: clock.now())
        } catch {
            throw SCSError.tokenAuthenticationFailed("JWT validation failed: \(error.description)")
        }
        let allowed = Set(policy.allowed(for: claims.agentType))
        let permissions = claims.permissions.map(Permission.init(rawValue:)).filter { allowed.contains($0) }
        return (claims, AgentIdentity(
            agentID: claims.agentID, agentType: claims.agentType, permissions: permissions.isEmpty ? policy.defaultPermissions : permissions))
    }

    /// `refresh_token`: a fresh JWT and token for a live token (the old one stops at once), or for
    /// an expired `sct_` token whose JWT is still valid (`recovered`).
    public func refresh(_ token: String) async throws -> (issued: IssuedToken, recovered: Bool) {
        let prefix = Self.prefix(token)
        let digest = TokenDigest.of(token)
        guard Self.isProtectedToken(token), let record = try await store.token(id: digest) else {
            throw SCSError.tokenRefreshFailed(prefix: prefix, detail: "Protected token invalid or expired")
        }
        let identity: AgentIdentity
        do {
            identity = try self.identity(of: record, credential: .presented(token))
        } catch {
            throw SCSError.tokenRefreshFailed(prefix: prefix, detail: "JWT validation failed")
        }
        let (replacement, issued) = try makeRecord(identity)
        forget(.presented(token))
        let replaced = try await store.replaceToken(oldID: digest, with: replacement)
        guard replaced else {
            throw SCSError.tokenRefreshFailed(prefix: prefix, detail: "Token was already refreshed or revoked")
        }
        if let hook = cache.refreshed.withLock({ $0 }) { await hook(digest) }  // docs/POSTGRESQL.md, "Live events across nodes"
        return (issued, record.expiresAt <= clock.now())
    }

    /// `revoke_token`: the caller's own tokens (same agent_id), or any token for an admin.
    /// Unknown, foreign or already revoked → TOKEN_NOT_FOUND (nothing revealed).
    public func revoke(_ credential: TokenCredential, by caller: AgentIdentity) async throws {
        forget(credential)
        if case .presented(let token) = credential, !Self.isProtectedToken(token) { throw SCSError.tokenNotFound }
        guard let record = try await store.token(id: credential.digest),
              record.agentID == caller.agentID || caller.isAdmin,
              try await store.deleteToken(id: credential.digest)
        else { throw SCSError.tokenNotFound }
    }

    /// Drops a token from the cache.
    func forget(_ credential: TokenCredential) {
        forget(digest: credential.digest)
    }

    /// `hook` hears the digest of each token refreshed away here, before `refresh` returns.
    public func onRefresh(_ hook: @escaping @Sendable (String) async -> Void) {
        cache.refreshed.withLock { $0 = hook }
    }

    /// Drops the token with this digest from the cache: another node revoked or refreshed it.
    public func forget(digest: String) {
        cache.remove(digest, now: clock.now())
    }

    /// Purges tokens that can no longer be used or refreshed (their JWT has expired too).
    @discardableResult
    public func sweep() async throws -> Int {
        try await store.deleteExpiredTokens(now: clock.now() - configuration.jwtTokenExpiry - JWTCodec.leeway)
    }
}
