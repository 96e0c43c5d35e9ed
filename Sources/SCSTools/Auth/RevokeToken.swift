import SCSAuth
import SCSCore
import SCSLive
import SCSMCP
import OrderedCollections

/// `revoke_token`: the caller's own tokens (any of its agent id), or any token for an admin; an
/// unknown, foreign or revoked token is TOKEN_NOT_FOUND (nothing revealed).
struct RevokeToken: Tool {
    static let name = "revoke_token"
    static let readOnly = false
    static let component = "authentication_service"
    static let summary = "Revoke a token (your own; admins any). Default: the token you call with."

    static let token = Parameter<String?>.optionalText("token", "The sct_ token to revoke.", maxLength: Limits.tokenLength)
    static let parameters = [AnyParameter(token), AnyParameter(Parameters.authToken)]

    struct Arguments: Sendable {
        var token: String?
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(token: values[token], authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken)
        let named = (arguments.token ?? arguments.authToken).map(TokenCredential.presented)
        guard identity.authenticated, let target = named ?? call.invocation.client.ambientCredential else { throw SCSError.tokenNotFound }
        try await call.env.tokens.revoke(target, by: identity)
        call.publish(.tokenRevoked(digest: target.digest))
        await call.env.events.flush()  // refused on every node before this call is answered
        await call.audit("token_revoked", agentID: identity.agentID, ["token_prefix": .string(target.prefix)])
        return ToolJSON.ok(["revoked": true, "token_prefix": .string(target.prefix)])
    }
}
