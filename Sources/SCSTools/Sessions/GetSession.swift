import SCSCore
import SCSStorage
import OrderedCollections

/// `get_session`: the session and its 50 newest messages the caller may see.
struct GetSession: Tool {
    static let name = "get_session"
    static let readOnly = true
    static let summary = "A session with its 50 newest messages that you may see."

    static let parameters = [AnyParameter(Parameters.sessionID), AnyParameter(Parameters.authToken)]

    static func arguments(_ values: ArgumentValues) -> SessionArguments { SessionArguments(values) }

    static func handle(_ arguments: SessionArguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken, on: arguments.sessionID)
        let session = try await call.session(arguments.sessionID)
        let page = try await call.env.storage.messages(
            MessageQuery(sessionID: session.id, order: .descending, limit: 50, maxBytes: call.env.resultBudget), reader: identity)
        return ToolJSON.ok(ToolJSON.marked([
            "session": .object(ToolJSON.session(session)),
            "messages": ToolJSON.messages(page.messages),
            "message_count": .int(Int64(page.messages.count)),
        ], truncated: page.truncated))
    }
}

/// The arguments of tools that take only a session and the token.
struct SessionArguments: Sendable {
    var sessionID: String
    var authToken: String?

    init(_ values: ArgumentValues) {
        sessionID = values[Parameters.sessionID]
        authToken = values[Parameters.authToken]
    }
}
