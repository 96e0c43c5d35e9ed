import SCSAuth
import SCSCore
import SCSLive
import SCSStorage
import SCSMCP
import OrderedCollections

/// `refresh_token`: a fresh JWT and token; the old token stops at once. An expired token whose
/// JWT is still valid is recovered.
struct RefreshToken: Tool {
    static let name = "refresh_token"
    static let readOnly = false
    static let component = "token_refresh_service"
    static let summary = "Exchange a token for a fresh one; the old token stops working at once."

    static let currentToken = Parameter<String>.text(
        "current_token", "The sct_ token to refresh.", maxLength: Limits.tokenLength, pattern: "^sct_[a-f0-9-]{36}$")
    static let parameters = [AnyParameter(currentToken)]

    static func arguments(_ values: ArgumentValues) -> String { values[currentToken] }

    static func handle(_ current: String, _ call: ToolCall) async throws -> JSONObject {
        let prefix = TokenService.prefix(current)
        let client = call.invocation.client
        guard client.apiKeyValid else {
            await call.audit("token_refresh_failed", agentID: "token_refresh", ["error": "invalid_api_key_header", "token_prefix": .string(prefix)])
            throw SCSError.invalidAPIKey(agentID: "token_refresh")
        }
        let outcome: (issued: IssuedToken, recovered: Bool)
        do {
            outcome = try await call.env.tokens.refresh(current)
        } catch let error as SCSError {
            await call.audit("token_refresh_failed", agentID: "token_refresh", ["error": .string(error.code.rawValue), "token_prefix": .string(prefix)])
            throw error
        }
        let issued = outcome.issued
        // The replaced token is retired like a revoked one: live feeds signed in with it close.
        call.publish(.tokenRevoked(digest: TokenDigest.of(current)))
        // The MCP session follows its agent to the new token (or binds the first one).
        let bound = client.boundTokenDigest
        if bound == nil || bound == TokenDigest.of(current) {
            await client.bindToken(issued.token)
        }
        await call.audit(outcome.recovered ? "token_recovered" : "token_refreshed", agentID: issued.identity.agentID, [
            "old_token_prefix": .string(prefix), "new_token_prefix": .string(TokenService.prefix(issued.token)),
            "agent_type": .string(issued.identity.agentType),
        ])
        var result = ToolJSON.ok([
            "token": .string(issued.token), "expires_in": .int(Int64((issued.expiresAt - issued.issuedAt).rounded())),
            "expires_at": .string(Timestamp.iso(issued.expiresAt)), "token_type": "Protected", "token_format": "sct_*",
            "issued_at": .string(Timestamp.iso(issued.issuedAt)),
        ])
        if outcome.recovered {
            result["recovery_performed"] = true
            result["original_agent_id"] = .string(issued.identity.agentID)
        }
        return result
    }
}
