import SCSCore
import SCSStorage
import OrderedCollections

/// `get_messages`: the visible messages of a session, oldest first, paged; a page the result
/// budget cut short says `has_more` with the next offset `offset + count`.
struct GetMessages: Tool {
    static let name = "get_messages"
    static let readOnly = true
    static let summary = "Messages of a session you may see, oldest first, paged."

    static let visibilityFilter = Parameter<String?>.rawText(S.optionalString(
        "visibility_filter", "Only this visibility (public, private, agent_only, admin_only); it never widens what you may see.",
        maxLength: Limits.shortTextLength))
    static let limit = Parameter<Int>.integer("limit", "Page size.", default: 50, minimum: 1, maximum: 1000)
    static let offset = Parameter<Int>.integer("offset", "Messages to skip.", default: 0, minimum: 0, maximum: Limits.maxOffset)
    static let parameters = [
        AnyParameter(Parameters.sessionID), AnyParameter(visibilityFilter), AnyParameter(Parameters.authToken), AnyParameter(limit),
        AnyParameter(offset),
    ]

    struct Arguments: Sendable {
        var session: SessionArguments
        var visibilityFilter: String?
        var limit: Int
        var offset: Int
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(session: SessionArguments(values), visibilityFilter: values[visibilityFilter], limit: values[limit], offset: values[offset])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let sessionID = arguments.session.sessionID
        let identity = try await call.caller(arguments.session.authToken, on: sessionID)
        let filter = try Visibility.parseFilter(arguments.visibilityFilter)
        let page = try await call.env.storage.messages(
            MessageQuery(
                sessionID: sessionID, visibility: filter, limit: arguments.limit, offset: arguments.offset, countTotal: true,
                maxBytes: call.env.resultBudget),
            reader: identity)
        let total = page.totalCount ?? page.messages.count
        if total == 0 { _ = try await call.session(sessionID) }  // only an empty page can mean "no such session"
        // Both bounded by the schema, so the sum cannot overflow.
        return ToolJSON.ok([
            "messages": ToolJSON.messages(page.messages), "count": .int(Int64(page.messages.count)),
            "total_count": .int(Int64(total)), "has_more": .bool(arguments.offset + page.messages.count < total),
        ])
    }
}
