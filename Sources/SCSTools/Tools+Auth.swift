import SCSAuth
import SCSCore
import SCSMCP
import SCSStorage

/// authenticate_agent, refresh_token, revoke_token.
extension ToolCall {
    func authenticateAgent() async -> JSONObject {
        await run("authentication_service", "authenticate_agent") {
            let agentID = string("agent_id") ?? ""
            let agentType = string("agent_type") ?? ""
            let requested = arguments["requested_permissions"]?.arrayValue?.compactMap(\.stringValue) ?? ["read", "write"]
            guard invocation.client.apiKeyValid else {
                await audit("authentication_failed", agentID: agentID, [
                    "agent_type": .string(agentType), "error": "invalid_api_key_header",
                    "requested_permissions": .array(requested.map(JSONValue.string)),
                ])
                throw SCSError.invalidAPIKey(agentID: agentID)
            }
            guard !TextSanitizer.trimmed(agentID).isEmpty else {
                throw SCSError(code: .invalidInput, message: "agent_id cannot be blank", severity: .warning,
                               context: ["field": "agent_id", "requirement": "non_empty_string"])
            }
            // With ADMIN_API_KEY configured, admin is asked for in vain without that key: the
            // other permissions are granted as usual (as a type's disallowed ones are dropped).
            let mayAdmin = !env.adminKeyRequired || invocation.client.adminKeyPresented
            let asked = mayAdmin ? requested : requested.filter { $0 != Permission.admin.rawValue }
            let issued = try await env.tokens.issue(agentID: agentID, agentType: agentType, requested: asked) { identity in
                auditEvent("jwt_token_generated", agentID: agentID, [
                    "agent_type": .string(agentType), "permissions": .array(identity.permissionNames.map(JSONValue.string)),
                    "requested_permissions": .array(requested.map(JSONValue.string)),
                ])
            }
            await invocation.client.bindToken(issued.token)
            return ToolJSON.ok([
                "token": .string(issued.token), "agent_id": .string(agentID), "agent_type": .string(agentType),
                "permissions": .array(issued.identity.permissionNames.map(JSONValue.string)),
                "expires_at": .string(Timestamp.iso(issued.expiresAt)), "token_type": "Protected",
                "issued_at": .string(Timestamp.iso(issued.issuedAt)), "token_format": "sct_*",
            ])
        }
    }

    func refreshToken() async -> JSONObject {
        await run("token_refresh_service", "refresh_token") {
            let current = string("current_token") ?? ""
            let prefix = TokenService.prefix(current)
            guard invocation.client.apiKeyValid else {
                await audit("token_refresh_failed", agentID: "token_refresh", ["error": "invalid_api_key_header", "token_prefix": .string(prefix)])
                throw SCSError.invalidAPIKey(agentID: "token_refresh")
            }
            let outcome: (issued: IssuedToken, recovered: Bool)
            do {
                outcome = try await env.tokens.refresh(current)
            } catch let error as SCSError {
                await audit("token_refresh_failed", agentID: "token_refresh", ["error": .string(error.code.rawValue), "token_prefix": .string(prefix)])
                throw error
            }
            let issued = outcome.issued
            // The session follows its agent to the new token (or binds the first one).
            let bound = invocation.client.boundTokenDigest
            if bound == nil || bound == TokenDigest.of(current) {
                await invocation.client.bindToken(issued.token)
            }
            await audit(outcome.recovered ? "token_recovered" : "token_refreshed", agentID: issued.identity.agentID, [
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

    func revokeToken() async -> JSONObject {
        await run("authentication_service", "revoke_token") {
            let identity = try await caller()
            let named = (optional("token") ?? optional("auth_token")).map(TokenCredential.presented)
            guard identity.authenticated, let target = named ?? invocation.client.ambientCredential else { throw SCSError.tokenNotFound }
            try await env.tokens.revoke(target, by: identity)
            await audit("token_revoked", agentID: identity.agentID, ["token_prefix": .string(target.prefix)])
            return ToolJSON.ok(["revoked": true, "token_prefix": .string(target.prefix)])
        }
    }
}
