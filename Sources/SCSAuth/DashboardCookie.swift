import Crypto

/// The dashboard's signed cookie and CSRF tokens. Both use keys derived (HKDF-SHA256) from
/// `JWT_SECRET_KEY`, so a cookie survives restarts and works on every node that shares the
/// secrets, and neither key is the JWT key itself. The cookie names a server-side login session
/// (logout ends it there, whatever the browser keeps) and carries its expiry; it is
/// `<session id>.<expiry>.<HMAC>`, all base64url. (docs/ARCHITECTURE.md, "Dashboard sign-in".)
public struct DashboardCookie: Sendable {
    public static let name = "scs_dashboard"
    /// The name behind TLS: a `__Host-` cookie is only ever set with `Secure`, `Path=/` and no
    /// `Domain`, so no other origin can plant or shadow it.
    public static let secureName = "__Host-scs_dashboard"
    /// How long a login lasts without use; each page renews it (sliding) once half is gone.
    public static let lifetime: Double = 3_600
    /// How long a login lasts at most, however busy (renewals stop there).
    public static let absoluteLifetime: Double = 12 * 3_600

    let cookieKey: SymmetricKey
    let csrfKey: SymmetricKey
    let operatorKey: SymmetricKey

    public init(jwtSecretKey: String) {
        let master = SymmetricKey(data: Array(jwtSecretKey.utf8))
        let salt = Array("shared-context-server dashboard".utf8)
        cookieKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, salt: salt, info: Array("cookie v1".utf8), outputByteCount: 32)
        csrfKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, salt: salt, info: Array("csrf v1".utf8), outputByteCount: 32)
        operatorKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, salt: salt, info: Array("operator v1".utf8), outputByteCount: 32)
    }

    /// What an operator login records of the password in force (a keyed digest, never the
    /// password): when the password changes, logins made under the old one stop working.
    public func operatorFingerprint(_ password: DashboardPassword) -> String {
        "operator:" + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: password.fingerprintMaterial, using: operatorKey)).prefix(18))
    }

    /// When a login used at `now` should expire: `lifetime` from now, never past its absolute end.
    public static func renewedExpiry(createdAt: Double, now: Double) -> Double {
        min(now + lifetime, createdAt + absoluteLifetime)
    }

    /// The cookie value for login session `sessionID`, valid until `expiresAt` (unix seconds).
    public func seal(sessionID: String, expiresAt: Double) -> String {
        let body = Base64URL.encode(Array(sessionID.utf8)) + "." + String(Int64(expiresAt.rounded(.down)))
        return body + "." + Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: cookieKey))
    }

    /// The login session a cookie value names, when its signature holds and it has not expired.
    public func open(_ value: String, now: Double) -> (sessionID: String, expiresAt: Double)? {
        guard value.utf8.count <= 512 else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let mac = Base64URL.decode(parts[2]) else { return nil }
        let body = parts[0] + "." + parts[1]
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(body.utf8), using: cookieKey),
            let expiry = Int64(parts[1]), Double(expiry) > now, let id = Base64URL.decode(parts[0]),
            let sessionID = String(validating: id, as: UTF8.self)
        else { return nil }
        return (sessionID, Double(expiry))
    }

    /// The CSRF token every changing form of login session `sessionID` carries.
    public func csrfToken(for sessionID: String) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array(sessionID.utf8), using: csrfKey))
    }

    /// Whether `token` is login session `sessionID`'s CSRF token (constant-time).
    public func checkCSRF(_ token: String?, for sessionID: String) -> Bool {
        guard let token, token.utf8.count <= 128, let mac = Base64URL.decode(Substring(token)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(sessionID.utf8), using: csrfKey)
    }
}
