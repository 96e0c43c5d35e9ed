import SCSCore
import SCSStorage
import OrderedCollections

/// `get_message_thread`: the top of the thread (even from a reply) and every message of it the
/// caller may see, by id; a visible reply under a hidden message is still returned.
struct GetMessageThread: Tool {
    static let name = "get_message_thread"
    static let readOnly = true
    static let summary = "A message's whole thread (root and replies) that you may see, by id."

    static let messageID = Parameter<Int64>.id("message_id", "Any message of the thread.")
    static let parameters = [AnyParameter(messageID), AnyParameter(Parameters.authToken)]

    struct Arguments: Sendable {
        var messageID: Int64
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(messageID: values[messageID], authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let env = call.env
        let identity = try await call.caller(arguments.authToken)
        let start = try await call.visibleMessage(arguments.messageID, to: identity)
        await env.activity.record(sessionID: start.sessionID, agent: identity, at: call.now)
        var root = start
        while let parentID = root.parentMessageID, let parent = try await env.storage.message(id: parentID) { root = parent }
        var inThread: Set<Int64> = [root.id]
        var thread: [Message] = [root]
        var cursor = root.id
        // The thread's messages are kept only while they fit the result budget; the scan for
        // descendants goes on (ids only) so that nothing is mistaken for the end.
        var budget = env.resultBudget - root.estimatedJSONBytes
        var truncated = false
        while true {
            let batch = try await env.storage.allMessages(sessionID: root.sessionID, afterID: cursor, limit: 500)
            for message in batch where message.parentMessageID.map(inThread.contains) == true {
                inThread.insert(message.id)
                guard message.isVisible(to: identity) else { continue }
                budget -= message.estimatedJSONBytes
                if budget < 0 { truncated = true } else { thread.append(message) }
            }
            guard let last = batch.last, batch.count == 500 else { break }
            cursor = last.id
        }
        // Replies were kept only when visible; the root may not be.
        let visible = root.isVisible(to: identity) ? thread : Array(thread.dropFirst())
        return ToolJSON.ok(ToolJSON.marked([
            "root": root.isVisible(to: identity) ? ToolJSON.message(root) : .null,
            "messages": ToolJSON.messages(visible), "count": .int(Int64(visible.count)),
        ], truncated: truncated))
    }
}
