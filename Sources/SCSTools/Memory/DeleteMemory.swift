import SCSCore
import SCSLive
import OrderedCollections

/// `delete_memory` (needs write): one of the caller's entries; a missing one is MEMORY_NOT_FOUND.
struct DeleteMemory: Tool {
    static let name = "delete_memory"
    static let readOnly = false
    static let summary = "Delete one of your memory entries (needs write)."

    static let key = Parameter<String>.text("key", "Key.", maxLength: Limits.keyLength).identifier()
    static let parameters = [AnyParameter(key), AnyParameter(Parameters.memoryScope), AnyParameter(Parameters.authToken)]

    static func arguments(_ values: ArgumentValues) -> MemoryKeyArguments { MemoryKeyArguments(values, key: key) }

    static func handle(_ arguments: MemoryKeyArguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken, onOptional: arguments.sessionID)
        try call.charge(.write, identity)
        try await call.env.memory.delete(MemoryEntryRequest(agent: identity, key: arguments.key, sessionID: arguments.sessionID))
        call.publish(.memoryChanged(MemoryChange(
            kind: .deleted, agentID: identity.agentID, key: arguments.key, scope: MemoryScope(sessionID: arguments.sessionID), at: call.now)))
        await call.audit("memory_deleted", agentID: identity.agentID, sessionID: arguments.sessionID, ["key": .string(arguments.key)])
        return ToolJSON.ok([
            "key": .string(arguments.key), "scope": .string(MemoryScope(sessionID: arguments.sessionID).name), "deleted": true,
        ])
    }
}
