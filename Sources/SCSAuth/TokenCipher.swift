import Crypto
import Foundation

/// Encrypts the JWT behind an `sct_` token at rest: AES-256-GCM with a key derived from
/// JWT_ENCRYPTION_KEY (HKDF-SHA256), a fresh random nonce per token, the token id as associated
/// data (a row copied under another id does not decrypt).
public struct TokenCipher: Sendable {
    let key: SymmetricKey

    public init(encryptionKey: String) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(encryptionKey.utf8)),
            salt: Array("scs-token-cipher-v1".utf8), info: Array("secure_tokens.encrypted_jwt".utf8), outputByteCount: 32)
    }

    public func seal(_ jwt: String, tokenID: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(Array(jwt.utf8), using: key, authenticating: Array(tokenID.utf8))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return [UInt8](combined)
    }

    /// Nil when the bytes were not sealed by this key for this token id.
    public func open(_ sealed: [UInt8], tokenID: String) -> String? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let plain = try? AES.GCM.open(box, using: key, authenticating: Array(tokenID.utf8))
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}

/// Constant-time comparison of a presented API key with the configured one (both hashed first,
/// so neither the content nor the length leaks through timing).
public struct APIKeyVerifier: Sendable {
    let expected: SHA256.Digest

    public init(apiKey: String) {
        expected = SHA256.hash(data: Array(apiKey.utf8))
    }

    public func isValid(_ presented: String?) -> Bool {
        guard let presented else { return false }
        let digest = SHA256.hash(data: Array(presented.utf8))
        var difference: UInt8 = 0
        for (a, b) in zip(digest, expected) { difference |= a ^ b }
        return difference == 0
    }
}
