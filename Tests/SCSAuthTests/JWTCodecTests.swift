import Foundation
@testable import SCSAuth
import SCSCore
import Testing

@Suite("HS256 JWTs, token cipher and API key check")
struct JWTCodecTests {
    let codec = JWTCodec(secret: String(repeating: "s", count: 40))
    let claims = AgentClaims(agentID: "a1", agentType: "claude", permissions: ["read", "write"], issuedAt: 1_000, expiresAt: 2_000, jwtID: "j1")

    @Test("a signed token verifies and round-trips its claims")
    func roundTrip() throws {
        let token = codec.sign(claims)
        #expect(try codec.verify(token, now: 1_500) == claims)
    }

    @Test("expiry is enforced after the 300 s leeway")
    func expiry() throws {
        let token = codec.sign(claims)
        _ = try codec.verify(token, now: 2_299)
        #expect(throws: JWTCodec.Failure.expired) { try codec.verify(token, now: 2_301) }
    }

    @Test("another secret, a changed payload, alg none and a malformed token are refused")
    func refusals() throws {
        let token = codec.sign(claims)
        #expect(throws: JWTCodec.Failure.signature) {
            try JWTCodec(secret: String(repeating: "x", count: 40)).verify(token, now: 1_500)
        }
        let parts = token.split(separator: ".").map(String.init)
        let admin = claims.with(permissions: ["admin"])
        let forgedPayload = codec.sign(admin).split(separator: ".")[1]
        #expect(throws: JWTCodec.Failure.signature) { try codec.verify("\(parts[0]).\(forgedPayload).\(parts[2])", now: 1_500) }
        let none = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(throws: JWTCodec.Failure.algorithm) { try codec.verify("\(none).\(parts[1]).", now: 1_500) }
        #expect(throws: JWTCodec.Failure.malformed) { try codec.verify("not.a-jwt", now: 1_500) }
    }

    @Test("the cipher opens only its own sealed token for the same token id")
    func cipher() throws {
        let cipher = TokenCipher(encryptionKey: String(repeating: "k", count: 44))
        let sealed = try cipher.seal("jwt-text", tokenID: "sct_1")
        #expect(cipher.open(sealed, tokenID: "sct_1") == "jwt-text")
        #expect(cipher.open(sealed, tokenID: "sct_2") == nil)
        #expect(TokenCipher(encryptionKey: String(repeating: "q", count: 44)).open(sealed, tokenID: "sct_1") == nil)
        #expect(!sealed.contains(Array("jwt-text".utf8)))
    }

    @Test("API keys compare exactly")
    func apiKey() {
        let verifier = APIKeyVerifier(apiKey: "the-key")
        #expect(verifier.isValid("the-key"))
        #expect(!verifier.isValid("the-key "))
        #expect(!verifier.isValid(""))
        #expect(!verifier.isValid(nil))
    }

    @Test("token shapes: sct_ uuid4 and JWT-looking strings")
    func shapes() {
        #expect(TokenService.isProtectedToken("sct_" + UUID().uuidString.lowercased()))
        #expect(!TokenService.isProtectedToken("sct_" + UUID().uuidString))
        #expect(TokenService.looksLikeJWT(codec.sign(claims)))
        #expect(!TokenService.looksLikeJWT("a.b"))
        #expect(TokenService.prefix("sct_0123456789") == "sct_0123")
    }
}

extension AgentClaims {
    func with(permissions: [String]) -> AgentClaims {
        AgentClaims(agentID: agentID, agentType: agentType, permissions: permissions, issuedAt: issuedAt, expiresAt: expiresAt, jwtID: jwtID)
    }
}

@Suite("base64url")
struct Base64URLTests {
    /// Foundation's base64 turned into base64url, the reference the hand-written codec must match.
    static func reference(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test("encoding matches Foundation's for every length 0–70 and decoding inverts it, padded or not")
    func matchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...70 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let encoded = Base64URL.encode(bytes)
                #expect(encoded == Self.reference(bytes))
                #expect(Base64URL.decode(encoded[...]) == bytes)
                let padded = encoded + String(repeating: "=", count: (4 - encoded.count % 4) % 4)
                #expect(Base64URL.decode(padded[...]) == bytes)
            }
        }
    }

    @Test("bytes outside the alphabet and impossible lengths are refused", arguments: ["ab+c", "ab/c", "a b", "abcde", "é", "ab=c"])
    func refused(_ text: String) {
        #expect(Base64URL.decode(text[...]) == nil)
    }
}
