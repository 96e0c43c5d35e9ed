import SCSCore
import OrderedCollections

/// `get_memory`: one of the caller's entries, in exactly that scope; expired entries do not exist.
struct GetMemory: Tool {
    static let name = "get_memory"
    static let readOnly = true
    static let summary = "Read one of your memory entries (exactly that scope)."

    static let key = Parameter<String>.text("key", "Key.", maxLength: Limits.keyLength).identifier()
    static let parameters = [AnyParameter(key), AnyParameter(Parameters.memoryScope), AnyParameter(Parameters.authToken)]

    static func arguments(_ values: ArgumentValues) -> MemoryKeyArguments { MemoryKeyArguments(values, key: key) }

    static func handle(_ arguments: MemoryKeyArguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken, onOptional: arguments.sessionID)
        let entry = try await call.env.memory.get(MemoryEntryRequest(agent: identity, key: arguments.key, sessionID: arguments.sessionID))
        return ToolJSON.ok([
            "key": .string(arguments.key), "value": entry.value, "metadata": .object(entry.metadata ?? [:]),
            "created_at": .double(entry.createdAt), "updated_at": .string(Timestamp.iso(entry.updatedAt)),
            "expires_at": entry.expiresAt.map(JSONValue.double) ?? .null, "scope": .string(entry.scope.name),
        ])
    }
}

/// The arguments of the tools that name one memory entry.
struct MemoryKeyArguments: Sendable {
    var key: String
    var sessionID: String?
    var authToken: String?

    init(_ values: ArgumentValues, key: Parameter<String>) {
        self.key = values[key]
        sessionID = values[Parameters.memoryScope]
        authToken = values[Parameters.authToken]
    }
}
