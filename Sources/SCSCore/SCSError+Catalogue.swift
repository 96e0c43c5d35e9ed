public import OrderedCollections
/// The named errors: the Python server's codes plus the ones `scs` adds (docs/CONTRACT.md §2).
extension SCSError {
    public static func sessionNotFound(_ id: String) -> SCSError {
        SCSError(
            code: .sessionNotFound, message: "Session '\(id)' not found",
            suggestions: ["Verify the session ID is correct", "Use create_session to create a new session"],
            context: ["resource_type": "session", "resource_id": .string(id)],
            relatedResources: ["create_session", "list_sessions"]
        )
    }

    public static func sessionClosed(_ id: String) -> SCSError {
        SCSError(
            code: .sessionClosed, message: "Session '\(id)' is closed", recoverable: false,
            suggestions: ["Reads keep working on a closed session", "Use create_session to start a new session"],
            context: ["resource_type": "session", "resource_id": .string(id)],
            relatedResources: ["create_session", "list_sessions"]
        )
    }

    public static func memoryNotFound(_ key: String) -> SCSError {
        SCSError(
            code: .memoryNotFound, message: "Memory '\(key)' not found",
            suggestions: [
                "Check the memory key spelling and format", "Use list_memory to see available keys",
                "The memory entry may have expired (check TTL)",
            ],
            context: ["resource_type": "memory", "resource_id": .string(key)],
            relatedResources: ["set_memory", "list_memory"]
        )
    }

    public static func messageNotFound(_ id: Int64) -> SCSError {
        SCSError(
            code: .messageNotFound, message: "Message \(id) not found",
            suggestions: ["Verify the message ID", "Use get_messages to list the messages you can see"],
            context: ["resource_type": "message", "resource_id": .int(id)],
            relatedResources: ["get_messages"]
        )
    }

    public static func writeRequired(_ permissions: [Permission]) -> SCSError {
        SCSError(
            code: .permissionDenied, message: "Write permission required for this operation", recoverable: false,
            suggestions: [
                "Use read-only operations like get_session or get_messages", "Request write permission from user",
                "Check agent authentication and role assignment",
            ],
            context: [
                "required_permission": "write",
                "current_permissions": .array(permissions.map { .string($0.rawValue) }),
            ],
            relatedResources: ["authenticate_agent"]
        )
    }

    public static func adminRequired(_ permissions: [Permission]) -> SCSError {
        SCSError(
            code: .permissionDenied, message: "Admin permission required for this operation", recoverable: false,
            suggestions: [
                "Use 'public' or 'private' visibility instead", "Request admin privileges from user",
                "Check agent authentication and role assignment",
            ],
            context: [
                "required_permission": "admin",
                "current_permissions": .array(permissions.map { .string($0.rawValue) }),
            ],
            relatedResources: ["authenticate_agent"]
        )
    }

    public static func emptyAfterSanitization(field: String) -> SCSError {
        let noun = field == "purpose" ? "Session purpose" : "Message content"
        return SCSError(
            code: .invalidInput, message: "\(noun) cannot be empty after sanitization", severity: .warning,
            context: ["field": .string(field), "requirement": "non_empty_string"]
        )
    }

    public static func invalidVisibility(_ value: String) -> SCSError {
        SCSError(
            code: .invalidVisibility, message: "Invalid visibility level: \(value)", severity: .warning,
            context: [
                "provided_visibility": .string(value),
                "allowed_values": .array(Visibility.allowedValues.map(JSONValue.string)),
            ]
        )
    }

    public static func invalidParentMessage(_ parentID: Int64, sessionID: String) -> SCSError {
        SCSError(
            code: .invalidParentMessage,
            message: "Parent message \(parentID) does not exist in session '\(sessionID)'", severity: .warning,
            suggestions: ["Reply to a message of the same session", "Omit parent_message_id to start a new thread"],
            context: ["parent_message_id": .int(parentID), "session_id": .string(sessionID)]
        )
    }

    public static func contentTooLarge(length: Int) -> SCSError {
        SCSError(
            code: .contentTooLarge,
            message: "Message content is too large (\(length) characters; the limit is \(Message.maxContentLength))",
            recoverable: false,
            suggestions: ["Split the content into several messages", "Store large data in memory with set_memory"],
            context: ["content_length": .int(Int64(length)), "max_length": .int(Int64(Message.maxContentLength))]
        )
    }

    public static func metadataTooLarge(_ reason: String) -> SCSError {
        SCSError(
            code: .metadataTooLarge, message: "Metadata is too large: \(reason)", severity: .warning,
            recoverable: false,
            suggestions: ["Use at most 50 keys of at most 100 characters and 10,000 characters of JSON"],
            context: ["max_keys": 50, "max_key_length": 100, "max_json_length": 10_000]
        )
    }

    public static func invalidKey(_ message: String, context: JSONObject) -> SCSError {
        SCSError(code: .invalidKey, message: message, severity: .warning, context: context)
    }

    public static func keyExists(_ key: String) -> SCSError {
        SCSError(
            code: .keyExists, message: "Memory key '\(key)' already exists. Use overwrite=True to replace.",
            severity: .warning, context: ["existing_key": .string(key), "overwrite_option": true],
            relatedResources: ["list_memory"]
        )
    }

    /// `retryAfter` in whole seconds (at least 1).
    public static func workerUnavailable(role: String, retryAfter: Int) -> SCSError {
        SCSError(
            code: .workerUnavailable, message: "The \(role) worker is temporarily unavailable",
            suggestions: ["Retry the operation after retry_after seconds", "Check /health for worker state"],
            context: ["worker_role": .string(role)], retryAfter: max(1, retryAfter)
        )
    }

    /// The system-error form of §2.5: `<component> temporarily unavailable during <operation>`.
    public static func system(component: String, operation: String) -> SCSError {
        SCSError(
            code: Code(component.uppercased() + "_UNAVAILABLE"),
            message: "\(component) temporarily unavailable during \(operation). This is likely temporary.",
            suggestions: [
                "Retry the operation in a few seconds", "Check system health with the health endpoint",
                "Contact support if the issue persists",
            ],
            context: [
                "failed_operation": .string(operation), "system_component": .string(component),
                "temporary_issue": true,
            ],
            retryAfter: 5, relatedResources: ["get_performance_metrics"]
        )
    }

    /// A memory value or metadata over its documented size.
    public static func memoryLimitExceeded(_ what: String, size: Int, limit: Int) -> SCSError {
        SCSError(
            code: .memoryLimitExceeded, message: "Memory \(what) is too large (\(size); the limit is \(limit))",
            severity: .warning, recoverable: false,
            suggestions: ["Store smaller values, or split the value over several keys"],
            context: ["size": .int(Int64(size)), "max_size": .int(Int64(limit))]
        )
    }

    /// A single item (one memory value, one message) that cannot fit in an answer at all.
    public static func resultTooLarge(limit: Int) -> SCSError {
        SCSError(
            code: .resultTooLarge, message: "The answer would exceed the \(limit)-byte result budget", recoverable: false,
            context: ["max_result_bytes": .int(Int64(limit))]
        )
    }

    /// A per-agent or per-session cap on live server state (streams, long-polls, subscriptions).
    public static func limitReached(_ what: String, limit: Int) -> SCSError {
        SCSError(
            code: .limitReached, message: "Too many \(what) (the limit is \(limit))", severity: .warning,
            suggestions: ["Close some before opening more", "Retry after retry_after seconds"],
            context: ["limit": .int(Int64(limit))], retryAfter: 1
        )
    }
}

extension SCSError {
    /// `scs agents add` for an id that is registered already.
    public static func agentAlreadyRegistered(_ agentID: String) -> SCSError {
        SCSError(
            code: .invalidInput, message: "Agent '\(agentID)' is registered already: rotate its key or remove it first",
            severity: .warning, context: ["field": "agent_id", "agent_id": .string(agentID)])
    }
}

extension SCSError {
    /// A request that presented agent `agentID`'s key used a token of another agent.
    public static func notThisAgent(_ agentID: String) -> SCSError {
        SCSError(
            code: .tokenAuthenticationFailed,
            message: "This connection is agent '\(agentID)' (its registered key): it cannot act with another agent's token",
            severity: .warning, context: ["agent_id": .string(agentID)])
    }

    /// `IDENTITY_MODE=verified` and the request presented no registered agent key.
    public static let agentKeyRequired = SCSError(
        code: .tokenAuthenticationFailed,
        message: "IDENTITY_MODE=verified: every caller must present its registered agent key (sca_…, in X-API-Key or Authorization: Bearer); the shared API key alone names no agent",
        severity: .warning, suggestions: ["Ask the operator to run `scs agents add <agent_id> --type <type>`"],
        context: ["identity_mode": "verified"])
}

extension SCSError {
    public static let rateLimitedCode = Code("RATE_LIMITED")

    /// An agent went past its quota of `kind` calls; it may try again after `retryAfter` seconds.
    public static func rateLimited(_ kind: String, retryAfter: Int) -> SCSError {
        SCSError(
            code: rateLimitedCode, message: "Too many \(kind) calls for this agent: try again in \(max(1, retryAfter)) s",
            severity: .warning, recoverable: true, context: ["quota": .string(kind)], retryAfter: max(1, retryAfter))
    }
}
