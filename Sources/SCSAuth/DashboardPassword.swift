import Crypto
import CryptoExtras
import Foundation

/// The operator's dashboard password: `ADMIN_PASSWORD` as given (the Python server's variable), or
/// a hash of one stored instead (`ADMIN_PASSWORD_HASH`), in the form
/// `scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<hash, base64url>`. Comparisons are constant-time.
/// (docs/ARCHITECTURE.md, "Dashboard sign-in".)
public struct DashboardPassword: Sendable {
    enum Form: Sendable {
        case plain([UInt8])
        case scrypt(Parameters, salt: [UInt8], hash: [UInt8])
    }

    struct Parameters: Sendable, Equatable {
        var log2N: Int
        var r: Int
        var p: Int
    }

    let form: Form
    /// What the operator's logins are bound to: the hash as configured, or the plain password.
    /// A login made under another password is refused (DashboardCookie.operatorFingerprint).
    let fingerprintMaterial: [UInt8]

    /// Shortest plain `ADMIN_PASSWORD` accepted.
    public static let minimumLength = 12

    /// Interactive-login strength: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds).
    static let standard = Parameters(log2N: 15, r: 8, p: 1)

    /// Reads `ADMIN_PASSWORD_HASH` (preferred) or `ADMIN_PASSWORD`; nil when neither is set.
    public init?(password: String?, hash: String?) throws(DashboardPasswordError) {
        if let hash, !hash.isEmpty {
            form = try Self.parse(hash)
            fingerprintMaterial = Array(("hash:" + hash).utf8)
        } else if let password, !password.isEmpty {
            guard password.count >= Self.minimumLength else {
                throw DashboardPasswordError(
                    "ADMIN_PASSWORD must be at least \(Self.minimumLength) characters (or store a hash with `scs setup --admin-password`)")
            }
            form = .plain(Array(password.utf8))
            fingerprintMaterial = Array(("plain:" + password).utf8)
        } else {
            return nil
        }
    }

    /// Whether `candidate` is the password.
    public func verify(_ candidate: String) -> Bool {
        let given = Array(candidate.utf8)
        // Longer input than any password is refused before any work (scrypt of a megabyte).
        guard given.count <= 1_024 else { return false }
        switch form {
        case .plain(let expected):
            return Self.constantTimeEqual(given, expected)
        case .scrypt(let parameters, let salt, let hash):
            guard let derived = try? Self.derive(given, salt: salt, parameters, count: hash.count) else { return false }
            return Self.constantTimeEqual(derived, hash)
        }
    }

    /// A new `ADMIN_PASSWORD_HASH` value for `password` (what `scs setup --admin-password` stores).
    public static func hash(_ password: String) throws -> String {
        try hash(password, parameters: standard)
    }

    static func hash(_ password: String, parameters: Parameters) throws -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let derived = try derive(Array(password.utf8), salt: salt, parameters, count: 32)
        return "scrypt$\(parameters.log2N)$\(parameters.r)$\(parameters.p)$\(Base64URL.encode(salt))$\(Base64URL.encode(derived))"
    }

    static func derive(_ password: [UInt8], salt: [UInt8], _ parameters: Parameters, count: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: password, salt: salt, outputByteCount: count, rounds: 1 << parameters.log2N, blockSize: parameters.r,
            parallelism: parameters.p)
        return key.withUnsafeBytes { Array($0) }
    }

    static func parse(_ text: String) throws(DashboardPasswordError) -> Form {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let log2N = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
            (10...20).contains(log2N), (1...32).contains(r), (1...16).contains(p),
            let salt = Base64URL.decode(parts[4]), salt.count >= 8, let hash = Base64URL.decode(parts[5]), (16...64).contains(hash.count)
        else {
            throw DashboardPasswordError(
                "ADMIN_PASSWORD_HASH is not a hash written by `scs setup --admin-password` (scrypt$N$r$p$salt$hash)")
        }
        return .scrypt(Parameters(log2N: log2N, r: r, p: p), salt: salt, hash: hash)
    }

    /// Compares the MACs of both under a fresh random key (swift-crypto compares MACs in constant
    /// time), so neither the contents nor the length of the secret leak through timing.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let key = SymmetricKey(size: .bits256)
        return HMAC<SHA256>.authenticationCode(for: a, using: key) == HMAC<SHA256>.authenticationCode(for: b, using: key)
    }
}

public struct DashboardPasswordError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
