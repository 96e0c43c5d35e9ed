import SCSCore
import SCSMCP
import SCSWire

/// set_memory, get_memory, list_memory, delete_memory (served by the memory worker).
extension ToolCall {
    func announceMemoryChange(of agentID: String) {
        ResourceCatalog.memoryChanged(of: [agentID], hub: env.hub)
    }

    func setMemory() async -> JSONObject {
        await run("database", "set_memory") {
            let sessionID = scope("session_id")
            let identity = try await caller(onOptional: sessionID)
            var expiresIn = arguments["expires_in"] ?? .null
            if expiresIn == "null" { expiresIn = .null }
            let metadata = invocation.object("metadata")
            let entry = try await env.workers.call(MemorySetMethod.self, MemorySetMethod.Params(
                identity: identity, key: string("key") ?? "", value: arguments["value"] ?? .null, sessionID: sessionID,
                expiresIn: expiresIn, metadata: metadata, overwrite: invocation.bool("overwrite") ?? true))
            announceMemoryChange(of: identity.agentID)
            auditLater("memory_set", agentID: identity.agentID, sessionID: sessionID, [
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

    func getMemory() async -> JSONObject {
        await run("database", "get_memory") {
            let sessionID = scope("session_id")
            let identity = try await caller(onOptional: sessionID)
            let entry = try await env.workers.call(MemoryGetMethod.self, MemoryKeyParams(identity: identity, key: string("key") ?? "", sessionID: sessionID))
            return ToolJSON.ok([
                "key": .string(string("key") ?? entry.key), "value": entry.value, "metadata": .object(entry.metadata ?? [:]),
                "created_at": .double(entry.createdAt), "updated_at": .string(Timestamp.iso(entry.updatedAt)),
                "expires_at": entry.expiresAt.map(JSONValue.double) ?? .null, "scope": .string(entry.scope.name),
            ])
        }
    }

    func listMemory() async -> JSONObject {
        await run("database", "list_memory") {
            let sessionID = scope("session_id")
            let identity = try await caller()
            let entries = try await env.workers.call(MemoryListMethod.self, MemoryListMethod.Params(
                identity: identity, sessionID: sessionID, prefix: optional("prefix"), limit: int("limit") ?? 50)).items
            let rows: [JSONValue] = entries.map { entry in
                [
                    "key": .string(entry.key), "scope": .string(entry.scope.name), "session_id": .string(entry.scope.sessionID),
                    "created_at": .double(entry.createdAt), "updated_at": .string(Timestamp.iso(entry.updatedAt)),
                    "expires_at": entry.expiresAt.map(JSONValue.double) ?? .null, "value_size": .int(Int64(entry.valueSize)),
                ]
            }
            return ToolJSON.ok([
                "entries": .array(rows), "count": .int(Int64(rows.count)), "scope_filter": .string(sessionID ?? "global"),
            ])
        }
    }

    func deleteMemory() async -> JSONObject {
        await run("database", "delete_memory") {
            let sessionID = scope("session_id")
            let identity = try await caller(onOptional: sessionID)
            let key = string("key") ?? ""
            _ = try await env.workers.call(MemoryDeleteMethod.self, MemoryKeyParams(identity: identity, key: key, sessionID: sessionID))
            announceMemoryChange(of: identity.agentID)
            await audit("memory_deleted", agentID: identity.agentID, sessionID: sessionID, ["key": .string(key)])
            return ToolJSON.ok(["key": .string(key), "scope": .string(MemoryScope(sessionID: sessionID).name), "deleted": true])
        }
    }
}
