import Crypto
import Foundation
import SCSCore

/// The claims behind an agent token.
public struct AgentClaims: Sendable, Equatable {
    public var agentID: String
    public var agentType: String
    public var permissions: [String]
    public var issuedAt: Double
    public var expiresAt: Double
    public var jwtID: String

    public init(agentID: String, agentType: String, permissions: [String], issuedAt: Double, expiresAt: Double, jwtID: String) {
        self.agentID = agentID
        self.agentType = agentType
        self.permissions = permissions
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.jwtID = jwtID
    }
}

/// HS256 JSON Web Tokens with the algorithm pinned: the header must say exactly `HS256` (so
/// `alg: none` and every other algorithm are refused), the signature is compared in constant
/// time, and `iss`, `aud` and `exp` are checked (300 s leeway, as the Python server).
public struct JWTCodec: Sendable {
    public static let issuer = "shared-context-server"
    public static let audience = "mcp-agents"
    public static let leeway: Double = 300

    let key: SymmetricKey

    public init(secret: String) {
        key = SymmetricKey(data: Array(secret.utf8))
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed, algorithm, signature, expired, claims(String)

        public var description: String {
            switch self {
            case .malformed: return "Invalid token: malformed"
            case .algorithm: return "Invalid token: the algorithm is not allowed"
            case .signature: return "Invalid token: Signature verification failed"
            case .expired: return "Token expired"
            case .claims(let detail): return "Invalid token: \(detail)"
            }
        }
    }

    public func sign(_ claims: AgentClaims) -> String {
        let header: JSONValue = ["alg": "HS256", "typ": "JWT"]
        let payload: JSONValue = [
            "agent_id": .string(claims.agentID), "agent_type": .string(claims.agentType),
            "permissions": .array(claims.permissions.map(JSONValue.string)),
            "iat": .int(Int64(claims.issuedAt)), "exp": .int(Int64(claims.expiresAt)),
            "iss": .string(Self.issuer), "aud": .string(Self.audience), "jti": .string(claims.jwtID),
        ]
        let signingInput = Base64URL.encode(header.compactBytes) + "." + Base64URL.encode(payload.compactBytes)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return signingInput + "." + Base64URL.encode(Array(mac))
    }

    /// Verifies signature, algorithm, issuer, audience and expiry at `now`.
    public func verify(_ token: String, now: Double) throws(Failure) -> AgentClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = try? JSONValue.parse(headerBytes), let payload = try? JSONValue.parse(payloadBytes),
              case .object = header, case .object = payload
        else { throw .malformed }
        guard header["alg"] == "HS256" else { throw .algorithm }
        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else {
            throw .signature
        }
        guard payload["iss"] == .string(Self.issuer) else { throw .claims("Invalid issuer") }
        let audienceOK: Bool
        switch payload["aud"] {
        case .string(let aud)?: audienceOK = aud == Self.audience
        case .array(let list)?: audienceOK = list.contains(.string(Self.audience))
        default: audienceOK = false
        }
        guard audienceOK else { throw .claims("Invalid audience") }
        guard let exp = payload["exp"]?.doubleValue else { throw .claims("Missing required claims") }
        guard exp + Self.leeway > now else { throw .expired }
        guard let agentID = payload["agent_id"]?.stringValue, !agentID.isEmpty,
              let agentType = payload["agent_type"]?.stringValue
        else { throw .claims("Missing required claims") }
        let permissions = payload["permissions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return AgentClaims(
            agentID: agentID, agentType: agentType, permissions: permissions,
            issuedAt: payload["iat"]?.doubleValue ?? 0, expiresAt: exp, jwtID: payload["jti"]?.stringValue ?? "")
    }
}
