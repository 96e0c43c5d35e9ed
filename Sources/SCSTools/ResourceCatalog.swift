public import SCSCore
public import SCSMCP
import SCSStorage
import SCSLive
import OrderedCollections

/// The five resource templates, read with the MCP session's identity (docs/CONTRACT.md §7).
public struct ResourceCatalog: ResourceProvider {
    let env: ToolEnvironment
    let toolNames: [String]

    public init(env: ToolEnvironment, toolNames: [String]) {
        self.env = env
        self.toolNames = toolNames
    }

    public let templates: [ResourceTemplate] = [
        ResourceTemplate(uriTemplate: "session://{session_id}", name: "session", description: "A session with every message you may see, oldest first"),
        ResourceTemplate(uriTemplate: "agent://{agent_id}/memory", name: "agent_memory", description: "Your memory entries (global and per session)"),
        ResourceTemplate(uriTemplate: "session://{session_id}/messages/{limit}", name: "session_messages", description: "The newest messages (1-500) of a session you may see"),
        ResourceTemplate(uriTemplate: "server://info/{_}", name: "server_info", description: "Server name, version and capabilities"),
        ResourceTemplate(uriTemplate: "docs://tools/{_}", name: "tools_documentation", description: "The tools of this server"),
    ]

    func identity(_ client: MCPClientContext) async throws(MCPError) -> AgentIdentity {
        do {
            return try await ToolCall(env: env, invocation: ToolInvocation(arguments: [:], client: client)).caller(nil)
        } catch let error as SCSError {
            throw MCPError(.invalidParams, error.message)
        } catch {
            throw MCPError(.internalError, "Identity could not be resolved")
        }
    }

    public func subscriber(uri: String, client: MCPClientContext) async throws(MCPError) -> AgentIdentity {
        guard let target = ResourceURI(uri) else { throw MCPError(.invalidParams, "Unknown resource: \(uri)") }
        let identity = try await identity(client)
        if case .memory(let agent) = target, agent != identity.agentID, !identity.isAdmin {
            throw MCPError(.invalidParams, "Unauthorized access to agent \(agent) memory")
        }
        return identity
    }

    public func read(uri: String, client: MCPClientContext) async throws(MCPError) -> JSONValue {
        guard let target = ResourceURI(uri) else { throw MCPError(.invalidParams, "Unknown resource: \(uri)") }
        let identity = try await identity(client)
        do {
            switch target {
            case .session(let id): return try await session(id, identity)
            case .messages(let id, let limit): return try await messages(id, limit, identity, uri)
            case .memory(let agent): return try await memory(agent, identity)
            case .info: return info
            case .docs: return ["tools_documentation": ["total_tools": .int(Int64(toolNames.count)), "tools": .array(toolNames.map(JSONValue.string))]]
            }
        } catch let error as MCPError {
            throw error
        } catch let error as SCSError {
            throw MCPError(.invalidParams, error.message)
        } catch {
            throw MCPError(.internalError, "Resource temporarily unavailable")
        }
    }

    func session(_ id: String, _ identity: AgentIdentity) async throws -> JSONValue {
        guard let session = try await env.storage.session(id: id) else { throw SCSError.sessionNotFound(id) }
        let (messages, truncated) = try await env.visibleMessages(sessionID: id, reader: identity)
        var statistics: JSONObject = [
            "visible_message_count": .int(Int64(messages.count)),
            "unique_agents": .int(Int64(Set(messages.map(\.sender)).count)),
            "last_activity": .double(messages.last?.timestamp ?? session.createdAt),
        ]
        // Past the result budget the oldest messages are given; get_messages pages through the rest.
        if truncated { statistics["truncated"] = true }
        return [
            "session": .object(ToolJSON.session(session)),
            "messages": .array(messages.map(ToolJSON.message)),
            "statistics": .object(statistics),
            "resource_info": [
                "last_updated": .string(Timestamp.iso(env.clock.now())), "requesting_agent": .string(identity.agentID),
                "supports_subscriptions": true,
            ],
        ]
    }

    func messages(_ id: String, _ limit: Int, _ identity: AgentIdentity, _ uri: String) async throws -> JSONValue {
        guard let session = try await env.storage.session(id: id) else { throw SCSError.sessionNotFound(id) }
        let page = try await env.storage.messages(MessageQuery(sessionID: id, order: .descending, limit: limit, maxBytes: env.resultBudget), reader: identity)
        return [
            "session_id": .string(id), "session_purpose": .string(session.purpose),
            "pagination": ["requested_limit": .int(Int64(limit)), "total_messages_returned": .int(Int64(page.messages.count))],
            "messages": .array(page.messages.reversed().map(ToolJSON.message)),
            "metadata": ["retrieved_at": .string(Timestamp.iso(env.clock.now())), "retrieved_by": .string(identity.agentID), "resource_uri": .string(uri)],
        ]
    }

    func memory(_ agent: String, _ identity: AgentIdentity) async throws -> JSONValue {
        guard agent == identity.agentID || identity.isAdmin else {
            throw MCPError(.invalidParams, "Unauthorized access to agent \(agent) memory")
        }
        var owner = identity
        owner.agentID = agent
        let entries = try await env.memory.list(MemoryListRequest(agent: owner, scope: .all, limit: 200, includeValues: true))
        var global: JSONObject = [:]
        var sessions: JSONObject = [:]
        for entry in entries {
            let row: JSONValue = [
                "value": entry.value, "metadata": .object(entry.metadata ?? [:]), "created_at": .double(entry.createdAt),
                "updated_at": .string(Timestamp.iso(entry.updatedAt)), "expires_at": entry.expiresAt.map(JSONValue.double) ?? .null,
            ]
            if let sessionID = entry.scope.sessionID {
                var scoped = sessions[sessionID]?.objectValue ?? [:]
                scoped[entry.key] = row
                sessions[sessionID] = .object(scoped)
            } else {
                global[entry.key] = row
            }
        }
        return [
            "agent_id": .string(agent), "memory": ["global": .object(global), "sessions": .object(sessions)],
            "statistics": [
                "global_keys": .int(Int64(global.count)), "session_scopes": .int(Int64(sessions.count)), "total_entries": .int(Int64(entries.count)),
            ],
            "resource_info": ["last_updated": .string(Timestamp.iso(env.clock.now())), "supports_subscriptions": true],
        ]
    }

    var info: JSONValue {
        [
            "server_info": [
                "name": "shared-context-server", "description": "Centralized memory store for multi-agent collaboration",
                "capabilities": ["tools", "resources", "prompts", "resource_templates"],
                "mcp_versions": .array(MCPServer.supportedVersions.map(JSONValue.string)),
            ],
            "tools": ["count": .int(Int64(toolNames.count)), "authentication": "X-API-Key header + sct_ agent tokens"],
            "features": ["visibility_control": .array(Visibility.allowedValues.map(JSONValue.string))],
            "architecture": ["database": .string(env.storage.backendName), "workers": "search pool + memory worker"],
        ]
    }
}
