import SCSCore
import OrderedCollections

/// The text of get_usage_guidance: the Python server's key structure per guidance type, with the
/// tools each access level may use (the nine new tools included).
enum UsageGuidance {
    static let types = ["operations", "coordination", "security", "troubleshooting"]

    enum AccessLevel: String {
        case admin = "ADMIN", agent = "AGENT", readOnly = "READ_ONLY"

        init(_ identity: AgentIdentity) {
            self = identity.isAdmin ? .admin : identity.canWrite ? .agent : .readOnly
        }
    }

    static let readOperations = [
        "get_session - Read a session and its latest messages", "get_messages - Page through the messages you may see",
        "search_context - Fuzzy search a session", "search_by_sender - Messages of one sender",
        "search_by_timerange - Messages within a time range", "get_memory - Read one of your memory entries",
        "list_memory - List your memory keys", "list_sessions - List sessions with activity you may see",
        "wait_for_messages - Long-poll for new messages", "get_active_agents - Agents active on a session recently",
        "get_message_thread - A message with its replies",
    ]
    static let agentOperations = [
        "create_session - Open a shared session", "add_message - Post a message (public, private, agent_only)",
        "set_memory - Store a value (optionally with TTL)", "delete_memory - Remove one of your memory entries",
        "close_session - Close a session you created", "set_message_visibility - Change the visibility of your message",
        "refresh_token - Exchange your token for a fresh one", "revoke_token - Revoke one of your tokens",
    ]
    static let adminOperations = [
        "authenticate_agent - Issue tokens for agents", "get_performance_metrics - Live server figures",
        "get_audit_log - Read the audit log", "add_message with admin_only visibility",
    ]

    static func operations(_ level: AccessLevel) -> [String] {
        switch level {
        case .readOnly: return readOperations
        case .agent: return readOperations + agentOperations
        case .admin: return readOperations + agentOperations + adminOperations
        }
    }

    static func strings(_ items: [String]) -> JSONValue { .array(items.map(JSONValue.string)) }

    static func guidance(_ type: String, _ level: AccessLevel) -> JSONObject {
        switch type {
        case "coordination":
            return [
                "coordination_instructions": strings([
                    "Create one session per shared task and pass its id to every agent",
                    "Post findings as public messages; keep scratch notes private",
                    "Use agent_only for notes meant for agents of your own type",
                    "Use wait_for_messages instead of polling get_messages in a loop",
                ]),
                "handoff_patterns": strings([
                    "Summarise state in a message, then reply to it with parent_message_id to keep a thread",
                    "Store hand-off data with set_memory scoped to the session",
                ]),
                "escalation_triggers": strings([
                    "Conflicting results from two agents", "A permission error you cannot resolve", "Repeated WORKER_UNAVAILABLE errors",
                ]),
            ]
        case "security":
            return [
                "security_boundaries": strings([
                    "Your access level is \(level.rawValue)", "private messages are visible to their sender and admins only",
                    "admin_only messages can only be written and read by admins",
                ]),
                "token_management": strings([
                    "Tokens expire after an hour: call refresh_token before then", "Revoke tokens you no longer need with revoke_token",
                    "Never paste a token into a message or memory value",
                ]),
                "best_practices": strings([
                    "Request only the permissions you need", "Use the narrowest visibility that works",
                ]),
            ]
        case "troubleshooting":
            var issues: JSONObject = [
                "Authentication Errors": "Check X-API-Key, then call authenticate_agent again or refresh_token",
                "Session Not Found": "Verify the session id (session_ + 16 hex characters) or create a new session",
                "Permission Denied": "Authenticate with an agent type that allows the operation",
            ]
            if level == .admin {
                issues["Performance Issues"] = "Check get_performance_metrics and /health for worker states"
                issues["Agent Coordination Problems"] = "Read get_audit_log and get_active_agents for the session"
            }
            return [
                "common_issues": .object(issues),
                "recovery_procedures": strings([
                    "Retry recoverable errors after retry_after seconds", "Re-authenticate when a token expired",
                ]),
                "debugging_steps": strings([
                    "Call get_usage_guidance to confirm your permissions", "Read the error code and its suggestions",
                ]),
            ]
        default:
            return [
                "available_operations": strings(operations(level)),
                "permission_boundaries": strings([
                    "Access level \(level.rawValue)", level == .readOnly ? "Read-only: authenticate to write" : "You may write to sessions and memory",
                ]),
                "next_steps": strings(["Create or join a session", "Post what you found", "Search what others found"]),
            ]
        }
    }

    static func workflow(_ type: String, _ level: AccessLevel) -> [String] {
        switch (type, level) {
        case ("operations", .admin):
            return ["1. authenticate_agent for each agent", "2. create_session", "3. monitor with get_performance_metrics and get_audit_log"]
        case ("operations", .agent):
            return ["1. create_session (or join one)", "2. add_message with findings", "3. search_context before starting work", "4. set_memory for notes"]
        case ("security", _):
            return ["1. authenticate_agent with minimal permissions", "2. refresh_token before expiry", "3. revoke_token when done"]
        default:
            return ["1. get_session", "2. get_messages", "3. search_context", "4. wait_for_messages"]
        }
    }
}
