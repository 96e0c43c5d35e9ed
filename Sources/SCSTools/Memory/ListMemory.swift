import SCSCore
import OrderedCollections

/// `list_memory`: the caller's keys (never the values), global, one session or every scope.
struct ListMemory: Tool {
    static let name = "list_memory"
    static let readOnly = true
    static let summary = "List your memory keys (values are not returned)."

    static let scope = Parameter<String?>.scope(
        S.optionalString("session_id", "null: global; \"all\": every scope; else that session.", maxLength: Limits.sessionIDLength))
    static let prefix = Parameter<String?>.optionalText(
        "prefix", "Only keys starting with this text (literal, case-sensitive).", maxLength: Limits.keyLength)
    static let limit = Parameter<Int>.integer("limit", "Most entries.", default: 50, minimum: 1, maximum: 200)
    static let parameters = [AnyParameter(scope), AnyParameter(prefix), AnyParameter(Parameters.authToken), AnyParameter(limit)]

    struct Arguments: Sendable {
        var sessionID: String?
        var prefix: String?
        var limit: Int
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(sessionID: values[scope], prefix: values[prefix], limit: values[limit], authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken)
        let entries = try await call.env.memory.list(MemoryListRequest(
            agent: identity, scope: MemoryScopeFilter(argument: arguments.sessionID), prefix: arguments.prefix, limit: arguments.limit))
        let rows: [JSONValue] = entries.map { entry in
            [
                "key": .string(entry.key), "scope": .string(entry.scope.name), "session_id": .string(entry.scope.sessionID),
                "created_at": .double(entry.createdAt), "updated_at": .string(Timestamp.iso(entry.updatedAt)),
                "expires_at": entry.expiresAt.map(JSONValue.double) ?? .null, "value_size": .int(Int64(entry.valueSize)),
            ]
        }
        return ToolJSON.ok([
            "entries": .array(rows), "count": .int(Int64(rows.count)), "scope_filter": .string(arguments.sessionID ?? "global"),
        ])
    }
}
