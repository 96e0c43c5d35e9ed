import SCSCore
import OrderedCollections

/// `get_usage_guidance`: what the caller may do, at its access level.
struct GetUsageGuidance: Tool {
    static let name = "get_usage_guidance"
    static let readOnly = true
    static let component = "guidance_service"
    static let summary = "How to use this server at your access level."

    static let guidanceType = Parameter<String>.text(
        "guidance_type", "operations, coordination, security or troubleshooting.", default: "operations")
    static let parameters = [AnyParameter(Parameters.authToken), AnyParameter(guidanceType)]

    struct Arguments: Sendable {
        var guidanceType: String
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(guidanceType: values[guidanceType], authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken)
        let type = arguments.guidanceType
        guard UsageGuidance.types.contains(type) else {
            throw SCSError(
                code: .invalidGuidanceType, message: "Invalid guidance type: \(type)", severity: .warning,
                context: ["provided_guidance_type": .string(type), "allowed_values": .array(UsageGuidance.types.map(JSONValue.string))])
        }
        let level = UsageGuidance.AccessLevel(identity)
        call.auditLater("usage_guidance_accessed", agentID: identity.agentID, [
            "guidance_type": .string(type), "access_level": .string(level.rawValue), "agent_type": .string(identity.agentType),
        ])
        return ToolJSON.ok([
            "access_level": .string(level.rawValue),
            "agent_info": [
                "agent_id": .string(identity.agentID), "agent_type": .string(identity.agentType),
                "permissions": .array(identity.permissionNames.map(JSONValue.string)), "expires_at": .null,
                "can_refresh": .bool(identity.authenticated),
            ],
            "guidance": .object(UsageGuidance.guidance(type, level)),
            "examples": ["typical_workflow": .array(UsageGuidance.workflow(type, level).map(JSONValue.string))],
            "guidance_type": .string(type), "generated_at": .string(call.nowISO),
        ])
    }
}
