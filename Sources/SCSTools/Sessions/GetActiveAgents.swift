import SCSCore
import SCSStorage
import OrderedCollections

/// `get_active_agents`: agents that made an authenticated call on the session within the window,
/// with their messages in it that the caller may see.
struct GetActiveAgents: Tool {
    static let name = "get_active_agents"
    static let readOnly = true
    static let summary = "Agents that made authenticated calls on a session within a window."

    static let windowSeconds = Parameter<Int>.integer("window_seconds", "Window, seconds.", default: 300, minimum: 1, maximum: 86_400)
    static let parameters = [AnyParameter(Parameters.sessionID), AnyParameter(windowSeconds), AnyParameter(Parameters.authToken)]

    struct Arguments: Sendable {
        var session: SessionArguments
        var windowSeconds: Int
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(session: SessionArguments(values), windowSeconds: values[windowSeconds])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let sessionID = arguments.session.sessionID
        let identity = try await call.caller(arguments.session.authToken, on: sessionID)
        _ = try await call.session(sessionID)
        let since = call.now - Double(arguments.windowSeconds)
        let active = try await call.env.storage.activeAgents(sessionID: sessionID, since: since)
        let counts = try await call.env.storage.visibleMessageCounts(sessionID: sessionID, since: since, reader: identity)
        let agents: [JSONValue] = active.map { agent in
            [
                "agent_id": .string(agent.agentID), "agent_type": .string(agent.agentType),
                "last_seen": .string(Timestamp.iso(agent.lastSeen)), "message_count": .int(Int64(counts[agent.agentID] ?? 0)),
            ]
        }
        return ToolJSON.ok(["agents": .array(agents), "count": .int(Int64(agents.count))])
    }
}
