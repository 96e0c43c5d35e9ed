import SCSCore
import SCSStorage
import OrderedCollections

/// `search_by_sender`: one sender's visible messages (exact match), newest first.
struct SearchBySender: Tool {
    static let name = "search_by_sender"
    static let readOnly = true
    static let summary = "Messages of one sender (exact match) that you may see, newest first."

    static let sender = Parameter<String>.text("sender", "The sender's agent id.", maxLength: Limits.agentIDLength).identifier()
    static let limit = Parameter<Int>.integer("limit", "Most results.", default: 20, minimum: 1, maximum: 100)
    static let parameters = [AnyParameter(Parameters.sessionID), AnyParameter(sender), AnyParameter(limit), AnyParameter(Parameters.authToken)]

    struct Arguments: Sendable {
        var session: SessionArguments
        var sender: String
        var limit: Int
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(session: SessionArguments(values), sender: values[sender], limit: values[limit])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let sessionID = arguments.session.sessionID
        let identity = try await call.caller(arguments.session.authToken, on: sessionID)
        try call.charge(.search, identity)
        let page = try await call.env.storage.messages(
            MessageQuery(sessionID: sessionID, sender: arguments.sender, order: .descending, limit: arguments.limit, maxBytes: call.env.resultBudget),
            reader: identity)
        if page.messages.isEmpty { _ = try await call.session(sessionID) }
        return ToolJSON.ok(ToolJSON.marked([
            "messages": ToolJSON.messages(page.messages), "sender": .string(arguments.sender),
            "count": .int(Int64(page.messages.count)),
        ], truncated: page.truncated))
    }
}
