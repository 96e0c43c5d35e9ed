public import SCSMCP
import SCSCore

/// The 23 tools: the Python server's 14 (names, parameters, defaults) with the fixes of docs/CONTRACT.md §5,
/// and the 9 new ones, in `tools/list` order.
public enum ToolCatalog {
    typealias S = ToolSchema

    public static func tools(_ env: ToolEnvironment) -> [ToolDefinition] {
        func tool(
            _ name: String, _ description: String, readOnly: Bool, _ schema: JSONValue,
            _ body: @escaping @Sendable (ToolCall) async -> JSONObject
        ) -> ToolDefinition {
            ToolDefinition(name: name, description: description, inputSchema: schema, readOnly: readOnly) { invocation in
                await body(ToolCall(env: env, invocation: invocation))
            }
        }
        let types = env.policy.agentTypes.keys.sorted().map { "\($0) (\(env.policy.allowed(for: $0).map(\.rawValue).joined(separator: ", ")))" }
        let visibilities = "public (everyone), private (you and admins), agent_only (agents of your agent_type and admins), admin_only (admins)"
        return [
            tool("authenticate_agent", """
                Authenticate an agent and get an sct_ token for the other tools (needs the server's API key). \
                Agent types: \(types.joined(separator: "; ")); others get read. Admin is granted only to \
                \(env.policy.adminTypes.joined(separator: "/")) and only when requested.
                """, readOnly: false, S.object([
                    S.string("agent_id", "Your agent's id.", minLength: 1, maxLength: Limits.agentIDLength),
                    S.string("agent_type", "Your agent type (decides the permissions you may get).", maxLength: Limits.agentTypeLength),
                    S.property("requested_permissions", "Permissions you ask for (read, write, admin, debug).", [
                        "default": ["read", "write"], "items": ["maxLength": .int(Int64(Limits.shortTextLength)), "type": "string"],
                        "maxItems": .int(Int64(Limits.permissionCount)), "type": "array",
                    ]),
                ], required: ["agent_id", "agent_type"]), { await $0.authenticateAgent() }),
            tool("refresh_token", "Exchange a token for a fresh one; the old token stops working at once.", readOnly: false, S.object([
                S.string("current_token", "The sct_ token to refresh.", maxLength: Limits.tokenLength, pattern: "^sct_[a-f0-9-]{36}$"),
            ], required: ["current_token"]), { await $0.refreshToken() }),
            tool("create_session", "Create a shared session for agents to collaborate in (needs write).", readOnly: false, S.object([
                S.string("purpose", "What the session is for (at most 10,000 characters).", maxLength: Limits.purposeLength),
                S.optionalObject("metadata", "Optional JSON object stored with the session.", example: ["test": true, "version": 1]),
                S.authToken,
            ], required: ["purpose"]), { await $0.createSession() }),
            tool("get_session", "A session with its 50 newest messages that you may see.", readOnly: true, S.object([
                S.sessionID, S.authToken,
            ], required: ["session_id"]), { await $0.getSession() }),
            tool("add_message", "Post a message to a session (needs write). Visibility: \(visibilities).", readOnly: false, S.object([
                S.sessionID,
                S.string("content", "Message text (at most 100,000 characters)."),
                S.optionalObject("metadata", "Optional JSON object stored with the message.", example: ["message_type": "test", "priority": "high"]),
                S.property("parent_message_id", "Id of the message this replies to (same session, one you may see).", [
                    "default": .null, "examples": [565, .null], "maximum": .int(Limits.maxID), "type": ["integer", "null"],
                ]),
                S.authToken,
                S.stringWithDefault("visibility", "public, private, agent_only or admin_only.", default: "public"),
            ], required: ["session_id", "content"]), { await $0.addMessage() }),
            tool("get_messages", "Messages of a session you may see, oldest first, paged.", readOnly: true, S.object([
                S.sessionID,
                S.optionalString(
                    "visibility_filter", "Only this visibility (public, private, agent_only, admin_only); it never widens what you may see.",
                    maxLength: Limits.shortTextLength),
                S.authToken,
                S.integer("limit", "Page size.", default: 50, minimum: 1, maximum: 1000),
                S.integer("offset", "Messages to skip.", default: 0, minimum: 0, maximum: Limits.maxOffset),
            ], required: ["session_id"]), { await $0.getMessages() }),
            tool("search_context", "Fuzzy search (RapidFuzz partial_ratio) over the messages of a session you may see.", readOnly: true, S.object([
                S.sessionID,
                S.string("query", "Text to look for (at most 1,000 characters).", maxLength: Limits.queryLength),
                S.authToken,
                S.property("fuzzy_threshold", "Minimum score, 0-100.", ["default": 60.0, "maximum": 100, "minimum": 0, "type": "number"]),
                S.integer("limit", "Most results.", default: 10, minimum: 1, maximum: 100),
                S.boolean("search_metadata", "Also match metadata values.", default: true),
                S.stringWithDefault("search_scope", "all, public or private.", default: "all", enumeration: ["all", "public", "private"]),
            ], required: ["session_id", "query"]), { await $0.searchContext() }),
            tool("search_by_sender", "Messages of one sender (exact match) that you may see, newest first.", readOnly: true, S.object([
                S.sessionID,
                S.string("sender", "The sender's agent id.", maxLength: Limits.agentIDLength),
                S.integer("limit", "Most results.", default: 20, minimum: 1, maximum: 100),
                S.authToken,
            ], required: ["session_id", "sender"]), { await $0.searchBySender() }),
            tool("search_by_timerange", "Messages between two ISO 8601 times (inclusive) that you may see, oldest first.", readOnly: true, S.object([
                S.sessionID,
                S.string("start_time", "Start, ISO 8601 (e.g. 2026-01-31T12:00:00Z).", maxLength: Limits.shortTextLength),
                S.string("end_time", "End, ISO 8601.", maxLength: Limits.shortTextLength),
                S.integer("limit", "Most results.", default: 50, minimum: 1, maximum: 200),
                S.authToken,
            ], required: ["session_id", "start_time", "end_time"]), { await $0.searchByTimerange() }),
            tool("set_memory", "Store a value in your private memory, global or per session, optionally with a TTL (needs write).", readOnly: false, S.object([
                S.string("key", "Key (no spaces, tabs or newlines).", minLength: 1, maxLength: Limits.keyLength),
                S.property("value", "Any JSON value: object, array, string, number or boolean (at most 1 MiB as JSON).",
                           ["type": ["object", "array", "string", "number", "boolean"]]),
                S.memorySessionID,
                S.property("expires_in", "Seconds to live (0 or null: permanent; at most one year).", [
                    "anyOf": [
                        ["maximum": .int(Limits.maxInteger), "minimum": .int(-Limits.maxInteger), "type": "integer"],
                        ["maxLength": .int(Int64(Limits.shortTextLength)), "type": "string"], ["type": "null"],
                    ],
                    "default": .null,
                ]),
                S.optionalObject("metadata", "Optional JSON object stored with the entry.", example: ["source": "user_input", "tags": ["important"]]),
                S.boolean("overwrite", "Replace an existing live entry (false: fail with KEY_EXISTS).", default: true),
                S.authToken,
            ], required: ["key", "value"]), { await $0.setMemory() }),
            tool("get_memory", "Read one of your memory entries (exactly that scope).", readOnly: true, S.object([
                S.string("key", "Key.", maxLength: Limits.keyLength),
                S.memorySessionID,
                S.authToken,
            ], required: ["key"]), { await $0.getMemory() }),
            tool("list_memory", "List your memory keys (values are not returned).", readOnly: true, S.object([
                S.optionalString("session_id", "null: global; \"all\": every scope; else that session.", maxLength: Limits.sessionIDLength),
                S.optionalString("prefix", "Only keys starting with this text (literal, case-sensitive).", maxLength: Limits.keyLength),
                S.authToken,
                S.integer("limit", "Most entries.", default: 50, minimum: 1, maximum: 200),
            ]), { await $0.listMemory() }),
            tool("get_usage_guidance", "How to use this server at your access level.", readOnly: true, S.object([
                S.authToken,
                S.stringWithDefault("guidance_type", "operations, coordination, security or troubleshooting.", default: "operations"),
            ]), { await $0.getUsageGuidance() }),
            tool("get_performance_metrics", "Live server figures: per-tool latency, workers, database (admin).", readOnly: true, S.object([
                S.authToken,
            ]), { await $0.getPerformanceMetrics() }),
            tool("list_sessions", "Sessions, newest first, with the activity you may see.", readOnly: true, S.object([
                S.boolean("active_only", "Only sessions that are not closed.", default: true),
                S.integer("limit", "Page size.", default: 50, minimum: 1, maximum: 500),
                S.integer("offset", "Sessions to skip.", default: 0, minimum: 0, maximum: Limits.maxOffset),
                S.optionalString("created_by", "Only sessions created by this agent id.", maxLength: Limits.agentIDLength),
                S.authToken,
            ]), { await $0.listSessions() }),
            tool("close_session", "Close a session (its creator or an admin); it stays readable.", readOnly: false, S.object([
                S.sessionID, S.authToken,
            ], required: ["session_id"]), { await $0.closeSession() }),
            tool("delete_memory", "Delete one of your memory entries (needs write).", readOnly: false, S.object([
                S.string("key", "Key.", maxLength: Limits.keyLength),
                S.memorySessionID,
                S.authToken,
            ], required: ["key"]), { await $0.deleteMemory() }),
            tool("revoke_token", "Revoke a token (your own; admins any). Default: the token you call with.", readOnly: false, S.object([
                S.optionalString("token", "The sct_ token to revoke.", maxLength: Limits.tokenLength),
                S.authToken,
            ]), { await $0.revokeToken() }),
            tool("get_audit_log", "Audit events, newest first (admin).", readOnly: true, S.object([
                S.optionalString("agent_id", "Only this agent.", maxLength: Limits.agentIDLength),
                S.optionalString("session_id", "Only this session.", maxLength: Limits.sessionIDLength),
                S.optionalString("event_type", "Only this event type.", maxLength: Limits.shortTextLength),
                S.optionalString("since", "Only events at or after this ISO 8601 time.", maxLength: Limits.shortTextLength),
                S.integer("limit", "Most events.", default: 100, minimum: 1, maximum: 1000),
                S.authToken,
            ]), { await $0.getAuditLog() }),
            tool("set_message_visibility", "Change a message's visibility (its sender or an admin; admin_only needs admin).", readOnly: false, S.object([
                S.requiredInteger("message_id", "The message id."),
                S.string("visibility", "public, private, agent_only or admin_only.", maxLength: Limits.shortTextLength),
                S.authToken,
            ], required: ["message_id", "visibility"]), { await $0.setMessageVisibility() }),
            tool("wait_for_messages", "Long-poll: returns messages newer than after_message_id as soon as one you may see exists, or on timeout.", readOnly: true, S.object([
                S.sessionID,
                S.integer("after_message_id", "Only messages with a greater id.", default: 0, minimum: 0, maximum: Limits.maxID),
                S.property("timeout_seconds", "Longest wait, 0-60 seconds.", ["default": 30, "maximum": 60, "minimum": 0, "type": "number"]),
                S.integer("limit", "Most messages (the oldest first).", default: 50, minimum: 1, maximum: 500),
                S.authToken,
            ], required: ["session_id"]), { await $0.waitForMessages() }),
            tool("get_active_agents", "Agents that made authenticated calls on a session within a window.", readOnly: true, S.object([
                S.sessionID,
                S.integer("window_seconds", "Window, seconds.", default: 300, minimum: 1, maximum: 86_400),
                S.authToken,
            ], required: ["session_id"]), { await $0.getActiveAgents() }),
            tool("get_message_thread", "A message's whole thread (root and replies) that you may see, by id.", readOnly: true, S.object([
                S.requiredInteger("message_id", "Any message of the thread."),
                S.authToken,
            ], required: ["message_id"]), { await $0.getMessageThread() }),
        ]
    }
}
