import SCSCore
import SCSLive
import OrderedCollections

/// `set_memory` (needs write): a private entry, global or per session, optionally with a TTL;
/// stored by the memory worker.
struct SetMemory: Tool {
    static let name = "set_memory"
    static let readOnly = false
    static let summary = "Store a value in your private memory, global or per session, optionally with a TTL (needs write)."

    static let key = Parameter<String>.text("key", "Key (no spaces, tabs or newlines).", minLength: 1, maxLength: Limits.keyLength).identifier()
    static let value = Parameter<JSONValue>.json(
        S.property("value", "Any JSON value: object, array, string, number or boolean (at most 1 MiB as JSON).",
                   ["type": ["object", "array", "string", "number", "boolean"]]), required: true)
    /// As sent (an integer, a numeric string or null; the literal `"null"` is null), judged by
    /// the memory service with the Python server's messages.
    static let expiresIn = Parameter<JSONValue>(
        property: S.property("expires_in", "Seconds to live (0 or null: permanent; at most one year).", [
            "anyOf": [
                ["maximum": .int(Limits.maxInteger), "minimum": .int(-Limits.maxInteger), "type": "integer"],
                ["maxLength": .int(Int64(Limits.shortTextLength)), "type": "string"], ["type": "null"],
            ],
            "default": .null,
        ]), isRequired: false) { value in value == "null" ? .null : value ?? .null }
    static let metadata = Parameter<JSONObject?>.object(
        "metadata", "Optional JSON object stored with the entry.", example: ["source": "user_input", "tags": ["important"]])
    static let overwrite = Parameter<Bool>.flag("overwrite", "Replace an existing live entry (false: fail with KEY_EXISTS).", default: true)
    static let parameters = [
        AnyParameter(key), AnyParameter(value), AnyParameter(Parameters.memoryScope), AnyParameter(expiresIn), AnyParameter(metadata),
        AnyParameter(overwrite), AnyParameter(Parameters.authToken),
    ]

    struct Arguments: Sendable {
        var key: String
        var value: JSONValue
        var sessionID: String?
        var expiresIn: JSONValue
        var metadata: JSONObject?
        var overwrite: Bool
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(
            key: values[key], value: values[value], sessionID: values[Parameters.memoryScope], expiresIn: values[expiresIn],
            metadata: values[metadata], overwrite: values[overwrite], authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let sessionID = arguments.sessionID
        let identity = try await call.caller(arguments.authToken, onOptional: sessionID)
        try call.charge(.write, identity)
        let entry = try await call.env.memory.set(MemorySetRequest(
            agent: identity, key: arguments.key, value: arguments.value, sessionID: sessionID,
            expiresIn: arguments.expiresIn, metadata: arguments.metadata, overwrite: arguments.overwrite))
        call.publish(.memoryChanged(MemoryChange(kind: .set, agentID: identity.agentID, key: entry.key, scope: entry.scope, entry: entry, at: entry.updatedAt)))
        call.auditLater("memory_set", agentID: identity.agentID, sessionID: sessionID, [
            "key": .string(entry.key), "session_scoped": .bool(sessionID != nil), "has_expiration": .bool(entry.expiresAt != nil),
            "value_size": .int(Int64(entry.valueSize)),
        ])
        return ToolJSON.ok([
            "key": .string(entry.key), "session_scoped": .bool(sessionID != nil),
            "expires_at": entry.expiresAt.map(JSONValue.double) ?? .null, "scope": .string(entry.scope.name),
            "stored_at": .string(Timestamp.iso(entry.updatedAt)),
        ])
    }
}
