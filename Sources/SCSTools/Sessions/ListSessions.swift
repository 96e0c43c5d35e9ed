import SCSCore
import SCSStorage
import OrderedCollections

/// `list_sessions`: newest first; counts and last activity over the messages the caller may see.
struct ListSessions: Tool {
    static let name = "list_sessions"
    static let readOnly = true
    static let summary = "Sessions, newest first, with the activity you may see."

    static let activeOnly = Parameter<Bool>.flag("active_only", "Only sessions that are not closed.", default: true)
    static let limit = Parameter<Int>.integer("limit", "Page size.", default: 50, minimum: 1, maximum: 500)
    static let offset = Parameter<Int>.integer("offset", "Sessions to skip.", default: 0, minimum: 0, maximum: Limits.maxOffset)
    static let createdBy = Parameter<String?>.optionalText("created_by", "Only sessions created by this agent id.", maxLength: Limits.agentIDLength)
    static let parameters = [
        AnyParameter(activeOnly), AnyParameter(limit), AnyParameter(offset), AnyParameter(createdBy), AnyParameter(Parameters.authToken),
    ]

    struct Arguments: Sendable {
        var activeOnly: Bool
        var limit: Int
        var offset: Int
        var createdBy: String?
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(
            activeOnly: values[activeOnly], limit: values[limit], offset: values[offset], createdBy: values[createdBy],
            authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken)
        let page = try await call.env.storage.listSessions(
            SessionListQuery(activeOnly: arguments.activeOnly, createdBy: arguments.createdBy, limit: arguments.limit, offset: arguments.offset),
            reader: identity)
        let sessions: [JSONValue] = page.sessions.map { summary in
            var row = ToolJSON.session(summary.session)
            row["message_count"] = .int(Int64(summary.messageCount))
            row["last_activity"] = .double(summary.lastActivity)
            return .object(row)
        }
        return ToolJSON.ok([
            "sessions": .array(sessions), "count": .int(Int64(sessions.count)), "total_count": .int(Int64(page.totalCount)),
            // Both bounded by the schema (offset ≤ 10,000,000, count ≤ 500): the sum cannot overflow.
            "has_more": .bool(arguments.offset + sessions.count < page.totalCount),
        ])
    }
}
