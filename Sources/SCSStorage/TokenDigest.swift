import Crypto

/// What the database keeps of an `sct_` token: `sha256:` and the lowercase hex SHA-256 of its
/// UTF-8 bytes. A stolen database file (or backup) holds no token a client could present; the
/// server finds a row by hashing what the client presents. Tokens are 122 random bits, so a
/// plain unsalted hash is enough (nothing to guess, nothing to precompute).
public enum TokenDigest {
    public static let prefix = "sha256:"

    public static func of(_ token: String) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text = Array(prefix.utf8)
        text.reserveCapacity(prefix.utf8.count + 64)
        for byte in SHA256.hash(data: Array(token.utf8)) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether a stored `token_id` is still the token itself (a row written before migration 5).
    public static func isDigest(_ stored: String) -> Bool { stored.hasPrefix(prefix) }
}
