import SCSCore
import SCSLive
import SCSStorage
import OrderedCollections

/// `add_message` (needs write; `admin_only` needs admin). The message and its audit row commit
/// in one transaction; long-polls and subscribers hear of it after the commit.
struct AddMessage: Tool {
    static let name = "add_message"
    static let readOnly = false
    static let summary = "Post a message to a session (needs write). Visibility: \(Parameters.visibilities)."

    static let content = Parameter<String>.text("content", "Message text (at most 100,000 characters).")
    static let metadata = Parameter<JSONObject?>.object(
        "metadata", "Optional JSON object stored with the message.", example: ["message_type": "test", "priority": "high"])
    static let parentMessageID = Parameter<Int64?>.optionalID(
        S.property("parent_message_id", "Id of the message this replies to (same session, one you may see).", [
            "default": .null, "examples": [565, .null], "maximum": .int(Limits.maxID), "type": ["integer", "null"],
        ]))
    static let visibility = Parameter<String?>.rawText(S.stringWithDefault("visibility", "public, private, agent_only or admin_only.", default: "public"))
    static let parameters = [
        AnyParameter(Parameters.sessionID), AnyParameter(content), AnyParameter(metadata), AnyParameter(parentMessageID),
        AnyParameter(Parameters.authToken), AnyParameter(visibility),
    ]

    struct Arguments: Sendable {
        var session: SessionArguments
        var content: String
        var metadata: JSONObject?
        var parentMessageID: Int64?
        /// As sent: `""` is a value (INVALID_VISIBILITY), only an absent one means public.
        var visibility: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(
            session: SessionArguments(values), content: values[content], metadata: values[metadata],
            parentMessageID: values[parentMessageID], visibility: values[visibility])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let sessionID = arguments.session.sessionID
        let identity = try await call.caller(arguments.session.authToken, on: sessionID)
        try call.charge(.write, identity)
        try call.requireWrite(identity)
        let visibility = try arguments.visibility.map(Visibility.parse) ?? .public
        if visibility == .adminOnly { try call.requireAdmin(identity) }
        let content = TextSanitizer.sanitize(arguments.content)
        guard !content.isEmpty else { throw SCSError.emptyAfterSanitization(field: "content") }
        let metadata = try ToolCall.checked(arguments.metadata)
        try await call.checkParent(arguments.parentMessageID, sessionID: sessionID, reader: identity)
        let message = try await call.env.storage.appendMessage(NewMessage(
            sessionID: sessionID, sender: identity.agentID, senderType: identity.agentType, content: content,
            visibility: visibility, metadata: metadata, parentMessageID: arguments.parentMessageID, timestamp: call.now)
        ) { message in
            // The audit row commits with the message (one transaction).
            NewAuditEvent(
                eventType: "message_added", agentID: message.sender, sessionID: message.sessionID,
                metadata: ["message_id": .int(message.id), "visibility": .string(message.visibility.rawValue)],
                timestamp: message.timestamp)
        }
        call.publish(.messageAdded(message))
        return ToolJSON.ok(["message_id": .int(message.id), "timestamp": .string(Timestamp.iso(message.timestamp))])
    }
}
