import SCSCore
import SCSLive
import OrderedCollections
import SCSStorage

/// `set_message_visibility` (its sender or an admin; `admin_only` needs admin). A message the
/// caller cannot see is MESSAGE_NOT_FOUND, as a missing one.
struct SetMessageVisibility: Tool {
    static let name = "set_message_visibility"
    static let readOnly = false
    static let summary = "Change a message's visibility (its sender or an admin; admin_only needs admin)."

    static let messageID = Parameter<Int64>.id("message_id", "The message id.")
    static let visibility = Parameter<String?>.rawText(
        S.string("visibility", "public, private, agent_only or admin_only.", maxLength: Limits.shortTextLength), required: true)
    static let parameters = [AnyParameter(messageID), AnyParameter(visibility), AnyParameter(Parameters.authToken)]

    struct Arguments: Sendable {
        var messageID: Int64
        var visibility: String
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(messageID: values[messageID], visibility: values[visibility] ?? "", authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken)
        try call.charge(.write, identity)
        let target = try Visibility.parse(arguments.visibility)
        let message = try await call.visibleMessage(arguments.messageID, to: identity)
        await call.env.activity.record(sessionID: message.sessionID, agent: identity, at: call.now)
        try call.requireWrite(identity)
        guard message.sender == identity.agentID || identity.isAdmin else {
            throw SCSError(
                code: .permissionDenied, message: "Only the message's sender or an admin can change its visibility",
                recoverable: false, context: ["required_permission": "sender_or_admin"])
        }
        if target == .adminOnly { try call.requireAdmin(identity) }
        let previous = try await call.env.storage.setVisibility(messageID: message.id, to: target, at: call.now)
        var changed = message
        changed.visibility = target
        if previous != target { call.publish(.visibilityChanged(changed, previous: previous)) }
        await call.audit("message_visibility_changed", agentID: identity.agentID, sessionID: message.sessionID, [
            "message_id": .int(message.id), "visibility": .string(target.rawValue), "previous_visibility": .string(previous.rawValue),
        ])
        return ToolJSON.ok([
            "message_id": .int(message.id), "visibility": .string(target.rawValue), "previous_visibility": .string(previous.rawValue),
        ])
    }
}
