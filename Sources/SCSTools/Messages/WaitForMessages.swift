import SCSCore
import SCSLive
import SCSStorage
import OrderedCollections

/// `wait_for_messages`: a long-poll that answers the oldest visible messages after an id at once
/// when there are any, else when one is committed or at the timeout. Messages the caller cannot
/// see never end the wait; a token revoked meanwhile ends it with an error.
struct WaitForMessages: Tool {
    static let name = "wait_for_messages"
    static let readOnly = true
    static let summary = "Long-poll: returns messages newer than after_message_id as soon as one you may see exists, or on timeout."

    static let afterMessageID = Parameter<Int>.integer(
        "after_message_id", "Only messages with a greater id.", default: 0, minimum: 0, maximum: Limits.maxID)
    static let timeoutSeconds = Parameter<Double>.number(
        S.property("timeout_seconds", "Longest wait, 0-60 seconds.", ["default": 30, "maximum": 60, "minimum": 0, "type": "number"]), default: 30)
    static let limit = Parameter<Int>.integer("limit", "Most messages (the oldest first).", default: 50, minimum: 1, maximum: 500)
    static let parameters = [
        AnyParameter(Parameters.sessionID), AnyParameter(afterMessageID), AnyParameter(timeoutSeconds), AnyParameter(limit),
        AnyParameter(Parameters.authToken),
    ]

    struct Arguments: Sendable {
        var session: SessionArguments
        var afterMessageID: Int64
        var timeoutSeconds: Double
        var limit: Int
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(
            session: SessionArguments(values), afterMessageID: Int64(values[afterMessageID]), timeoutSeconds: values[timeoutSeconds],
            limit: values[limit])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let env = call.env
        let sessionID = arguments.session.sessionID
        var identity = try await call.caller(arguments.session.authToken, on: sessionID)
        _ = try await call.session(sessionID)
        let after = arguments.afterMessageID
        let deadline = call.now + min(arguments.timeoutSeconds, env.longestWait)
        let pollKey = identity.agentID
        guard env.events.beginPoll(agent: pollKey) else {
            throw SCSError.limitReached("concurrent wait_for_messages calls for this agent", limit: env.events.maxPollsPerAgent)
        }
        defer { env.events.endPoll(agent: pollKey) }
        while true {
            let seen = env.events.version(sessionID)
            let page = try await env.storage.messages(
                MessageQuery(sessionID: sessionID, afterID: after, order: .ascending, limit: arguments.limit, maxBytes: env.resultBudget),
                reader: identity)
            let remaining = deadline - call.now
            if !page.messages.isEmpty || remaining <= 0 || Task.isCancelled {
                return ToolJSON.ok(ToolJSON.marked([
                    "messages": ToolJSON.messages(page.messages), "count": .int(Int64(page.messages.count)),
                    "last_message_id": .int(page.messages.last?.id ?? after), "timed_out": .bool(page.messages.isEmpty),
                ], truncated: page.truncated))
            }
            await env.events.wait(sessionID, seen: seen, timeout: remaining)
            // A token revoked (or expired) while the call waited ends it now.
            identity = try await call.caller(arguments.session.authToken)
        }
    }
}
