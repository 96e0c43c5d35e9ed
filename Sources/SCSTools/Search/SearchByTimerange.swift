import SCSCore
import SCSStorage
import OrderedCollections

/// `search_by_timerange`: visible messages between two ISO 8601 times (inclusive), oldest first.
struct SearchByTimerange: Tool {
    static let name = "search_by_timerange"
    static let readOnly = true
    static let summary = "Messages between two ISO 8601 times (inclusive) that you may see, oldest first."

    static let startTime = Parameter<String>.text("start_time", "Start, ISO 8601 (e.g. 2026-01-31T12:00:00Z).", maxLength: Limits.shortTextLength)
    static let endTime = Parameter<String>.text("end_time", "End, ISO 8601.", maxLength: Limits.shortTextLength)
    static let limit = Parameter<Int>.integer("limit", "Most results.", default: 50, minimum: 1, maximum: 200)
    static let parameters = [
        AnyParameter(Parameters.sessionID), AnyParameter(startTime), AnyParameter(endTime), AnyParameter(limit), AnyParameter(Parameters.authToken),
    ]

    struct Arguments: Sendable {
        var session: SessionArguments
        var start: String
        var end: String
        var limit: Int
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(session: SessionArguments(values), start: values[startTime], end: values[endTime], limit: values[limit])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        guard let since = ToolCall.parseTime(arguments.start), let until = ToolCall.parseTime(arguments.end) else { throw ToolCall.invalidDatetime }
        let sessionID = arguments.session.sessionID
        let identity = try await call.caller(arguments.session.authToken, on: sessionID)
        try call.charge(.search, identity)
        let page = try await call.env.storage.messages(
            MessageQuery(
                sessionID: sessionID, since: since, until: until, order: .ascending, limit: arguments.limit, maxBytes: call.env.resultBudget),
            reader: identity)
        if page.messages.isEmpty { _ = try await call.session(sessionID) }
        return ToolJSON.ok(ToolJSON.marked([
            "messages": ToolJSON.messages(page.messages),
            "timerange": ["start": .string(arguments.start), "end": .string(arguments.end)], "count": .int(Int64(page.messages.count)),
        ], truncated: page.truncated))
    }
}
