import Crypto
import Synchronization

/// Signs and checks the announcements nodes send each other over the database (docs/POSTGRESQL.md,
/// "Live events across nodes"). Any role that can connect to the database may `NOTIFY`, so an
/// announcement counts only when it carries an HMAC-SHA256 under a key derived (HKDF) from
/// `JWT_SECRET_KEY`, which every node of one deployment shares and the database never sees; it
/// names when it was sent, and one older than `maxAge` (or from the future), or one already
/// seen, is refused. Each carries a random nonce, so two genuine announcements with the same body
/// (the same memory key written twice in a millisecond) are both heard. The form is
/// `<mac, base64url>.<unix ms>-<nonce>.<body>`.
public final class PeerAnnouncementSigner: Sendable {
    let key: SymmetricKey
    /// Seconds an announcement stays acceptable (both ways, for clocks that differ a little).
    public let maxAge: Double
    /// MACs accepted within the window (a replay is refused); bounded.
    private let seen = Mutex<[String: Double]>([:])
    static let maximumSeen = 100_000

    /// The bytes the signature and timestamp add to a body.
    public static let overhead = 80

    public init(jwtSecretKey: String, maxAge: Double = 60) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(jwtSecretKey.utf8)), salt: Array("shared-context-server peers".utf8),
            info: Array("announcement v1".utf8), outputByteCount: 32)
        self.maxAge = maxAge
    }

    public func sign(_ body: String, now: Double) -> String {
        let nonce = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let stamped = String(Int64((now * 1000).rounded())) + "-" + nonce + "." + body
        return Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array(stamped.utf8), using: key)) + "." + stamped
    }

    /// The body of a genuine, fresh announcement not seen before; nil otherwise.
    public func open(_ text: String, now: Double) -> String? {
        guard let firstDot = text.firstIndex(of: ".") else { return nil }
        let macText = text[..<firstDot]
        let stamped = text[text.index(after: firstDot)...]
        guard let secondDot = stamped.firstIndex(of: "."), let dash = stamped[..<secondDot].firstIndex(of: "-"),
            let millis = Int64(stamped[..<dash]),
            let mac = Base64URL.decode(macText),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(stamped.utf8), using: key)
        else { return nil }
        let sent = Double(millis) / 1000
        guard abs(now - sent) <= maxAge else { return nil }
        let fresh = seen.withLock { seen -> Bool in
            if seen[String(macText)] != nil { return false }
            if seen.count >= Self.maximumSeen { seen = seen.filter { now - $0.value <= maxAge } }
            if seen.count >= Self.maximumSeen { return false }
            seen[String(macText)] = sent
            return true
        }
        return fresh ? String(stamped[stamped.index(after: secondDot)...]) : nil
    }
}
