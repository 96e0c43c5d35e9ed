import SCSCore
import SCSStorage
import OrderedCollections

/// `get_audit_log` (admin): events newest first, filtered; `since` is inclusive.
struct GetAuditLog: Tool {
    static let name = "get_audit_log"
    static let readOnly = true
    static let summary = "Audit events, newest first (admin)."

    static let agentID = Parameter<String?>.optionalText("agent_id", "Only this agent.", maxLength: Limits.agentIDLength)
    static let sessionID = Parameter<String?>.optionalText("session_id", "Only this session.", maxLength: Limits.sessionIDLength)
    static let eventType = Parameter<String?>.optionalText("event_type", "Only this event type.", maxLength: Limits.shortTextLength)
    static let since = Parameter<String?>.optionalText("since", "Only events at or after this ISO 8601 time.", maxLength: Limits.shortTextLength)
    static let limit = Parameter<Int>.integer("limit", "Most events.", default: 100, minimum: 1, maximum: 1000)
    static let parameters = [
        AnyParameter(agentID), AnyParameter(sessionID), AnyParameter(eventType), AnyParameter(since), AnyParameter(limit),
        AnyParameter(Parameters.authToken),
    ]

    struct Arguments: Sendable {
        var agentID: String?
        var sessionID: String?
        var eventType: String?
        var since: String?
        var limit: Int
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(
            agentID: values[agentID], sessionID: values[sessionID], eventType: values[eventType], since: values[since],
            limit: values[limit], authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken)
        try call.requireAdmin(identity)
        var since: Double?
        if let text = arguments.since {
            guard let parsed = ToolCall.parseTime(text) else { throw ToolCall.invalidDatetime }
            since = parsed
        }
        let events = try await call.env.storage.auditEvents(AuditQuery(
            agentID: arguments.agentID, sessionID: arguments.sessionID, eventType: arguments.eventType, since: since, limit: arguments.limit))
        let rows: [JSONValue] = events.map { event in
            [
                "id": .int(event.id), "timestamp": .string(Timestamp.iso(event.timestamp)), "event_type": .string(event.eventType),
                "agent_id": .string(event.agentID), "session_id": .string(event.sessionID),
                "metadata": event.metadata.map(JSONValue.object) ?? .null,
            ]
        }
        return ToolJSON.ok(["events": .array(rows), "count": .int(Int64(rows.count))])
    }
}
