import SCSAuth
import SCSCore
import OrderedCollections
import SCSMCP

/// `authenticate_agent`: an `sct_` token for any agent id (the API key is the boundary); the
/// permissions follow the agent type, and admin needs `ADMIN_API_KEY` when that is configured.
struct AuthenticateAgent: Tool {
    static let name = "authenticate_agent"
    static let readOnly = false
    static let component = "authentication_service"
    static let summary = "Authenticate an agent and get an sct_ token for the other tools (needs the server's API key)."

    static func description(in env: ToolEnvironment) -> String {
        let types = env.policy.agentTypes.keys.sorted().map { "\($0) (\(env.policy.allowed(for: $0).map(\.rawValue).joined(separator: ", ")))" }
        return "\(summary) Agent types: \(types.joined(separator: "; ")); others get read. Admin is granted only to "
            + "\(env.policy.adminTypes.joined(separator: "/")) and only when requested."
    }

    static let agentID = Parameter<String>.text("agent_id", "Your agent's id.", minLength: 1, maxLength: Limits.agentIDLength).identifier()
    static let agentType = Parameter<String>.text(
        "agent_type", "Your agent type (decides the permissions you may get).", maxLength: Limits.agentTypeLength
    ).identifier()
    static let requestedPermissions = Parameter<[String]>.strings(
        S.property("requested_permissions", "Permissions you ask for (read, write, admin, debug).", [
            "default": ["read", "write"], "items": ["maxLength": .int(Int64(Limits.shortTextLength)), "type": "string"],
            "maxItems": .int(Int64(Limits.permissionCount)), "type": "array",
        ]), default: ["read", "write"])
    static let parameters = [AnyParameter(agentID), AnyParameter(agentType), AnyParameter(requestedPermissions)]

    struct Arguments: Sendable {
        var agentID: String
        var agentType: String
        var requestedPermissions: [String]
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(agentID: values[agentID], agentType: values[agentType], requestedPermissions: values[requestedPermissions])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        var (agentID, agentType, requested) = (arguments.agentID, arguments.agentType, arguments.requestedPermissions)
        let client = call.invocation.client
        // A registered agent's key is its identity: a token for that agent only, with at most
        // the permissions it was registered with. In verified mode nothing else mints one.
        if client.agentKey != nil {
            let agent = try await call.caller(nil)
            guard agent.agentID == agentID else { throw SCSError.notThisAgent(agent.agentID) }
            agentType = agent.agentType
            requested = requested.filter(agent.permissionNames.contains)
            if requested.isEmpty { requested = agent.permissionNames }
        } else if call.env.identityMode == .verified {
            await call.audit("authentication_failed", agentID: agentID, ["agent_type": .string(agentType), "error": "identity_not_verified"])
            throw SCSError.agentKeyRequired
        }
        guard client.apiKeyValid else {
            await call.audit("authentication_failed", agentID: agentID, [
                "agent_type": .string(agentType), "error": "invalid_api_key_header",
                "requested_permissions": .array(requested.map(JSONValue.string)),
            ])
            throw SCSError.invalidAPIKey(agentID: agentID)
        }
        guard !AgentIdentity.isReserved(agentID) else {
            throw SCSError(
                code: .invalidInput, message: "agent_id may not start with \"\(AgentIdentity.reservedPrefix)\": those ids belong to the server's operator",
                severity: .warning, context: ["field": "agent_id", "requirement": "not_reserved"])
        }
        guard !TextSanitizer.trimmed(agentID).isEmpty else {
            throw SCSError(code: .invalidInput, message: "agent_id cannot be blank", severity: .warning,
                           context: ["field": "agent_id", "requirement": "non_empty_string"])
        }
        // With ADMIN_API_KEY configured, admin is asked for in vain without that key (a registered
        // agent has what the operator gave it): the other permissions are granted as usual (as a
        // type's disallowed ones are dropped).
        let mayAdmin = client.agentKey != nil || !call.env.adminKeyRequired || client.adminKeyPresented
        let asked = mayAdmin ? requested : requested.filter { $0 != Permission.admin.rawValue }
        let issued = try await call.env.tokens.issue(agentID: agentID, agentType: agentType, requested: asked) { identity in
            call.auditEvent("jwt_token_generated", agentID: agentID, [
                "agent_type": .string(agentType), "permissions": .array(identity.permissionNames.map(JSONValue.string)),
                "requested_permissions": .array(requested.map(JSONValue.string)),
            ])
        }
        await client.bindToken(issued.token)
        return ToolJSON.ok([
            "token": .string(issued.token), "agent_id": .string(agentID), "agent_type": .string(agentType),
            "permissions": .array(issued.identity.permissionNames.map(JSONValue.string)),
            "expires_at": .string(Timestamp.iso(issued.expiresAt)), "token_type": "Protected",
            "issued_at": .string(Timestamp.iso(issued.issuedAt)), "token_format": "sct_*",
        ])
    }
}
