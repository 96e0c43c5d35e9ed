import Logging
import SCSAuth
import SCSCore
public import SCSMCP
import SCSStorage
import OrderedCollections

/// One tool invocation with the environment: caller resolution, error wrapping, audit.
public struct ToolCall: Sendable {
    public let env: ToolEnvironment
    public let invocation: ToolInvocation

    public init(env: ToolEnvironment, invocation: ToolInvocation) {
        self.env = env
        self.invocation = invocation
    }

    var now: Double { env.clock.now() }
    var nowISO: String { Timestamp.iso(now) }

    /// The caller (docs/CONTRACT.md §3): a registered agent whose key the request presented (its
    /// tokens may be given too, nobody else's); else the `auth_token` argument, then the bearer
    /// token, then the token bound to the MCP session, else the anonymous read-only agent. In
    /// `verified` mode only the first (or the dashboard's signed-in person) is anyone.
    func caller(_ authToken: String?) async throws -> AgentIdentity {
        let client = invocation.client
        if let key = client.agentKey {
            guard let agent = try await env.agentKeys?.resolve(key) else {
                throw SCSError.tokenAuthenticationFailed("Agent key revoked, rotated out or unknown")
            }
            if let authToken, try await env.tokens.resolve(authToken).agentID != agent.agentID {
                throw SCSError.notThisAgent(agent.agentID)
            }
            return agent
        }
        if env.identityMode == .verified {
            if let person = client.person { return person }
            throw SCSError.agentKeyRequired
        }
        if let authToken { return try await env.tokens.resolve(authToken) }
        if let person = invocation.client.person { return person }
        if let bearer = invocation.client.bearerToken { return try await env.tokens.resolve(bearer) }
        if let bound = invocation.client.boundTokenDigest, let identity = try? await env.tokens.resolve(.bound(digest: bound)) {
            return identity
        }
        return .anonymous(mcpSessionID: invocation.client.mcpSessionID)
    }

    /// The caller, with its activity on `sessionID` recorded (get_active_agents).
    func caller(_ authToken: String?, on sessionID: String) async throws -> AgentIdentity {
        let identity = try await caller(authToken)
        await env.activity.record(sessionID: sessionID, agent: identity, at: now)
        return identity
    }

    func caller(_ authToken: String?, onOptional sessionID: String?) async throws -> AgentIdentity {
        if let sessionID { return try await caller(authToken, on: sessionID) }
        return try await caller(authToken)
    }

    /// Runs a handler body: application errors become the error envelope (docs/CONTRACT.md §2),
    /// anything unexpected the system error of `component` (logged, never with arguments that
    /// could hold a token).
    func run(_ component: String, _ operation: String, _ body: () async throws -> JSONObject) async -> JSONObject {
        do {
            return try await body()
        } catch let error as SCSError {
            return error.envelope(timestamp: nowISO)
        } catch let error as StorageError where error.code == .unavailable {
            // The database is down or unreachable (a restart, a lost network): every tool answers
            // the same retryable DATABASE_UNAVAILABLE, and the call may simply be repeated.
            env.logger.warning("database unavailable", metadata: ["tool": "\(operation)", "error": "\(error)"])
            return SCSError.system(component: "database", operation: operation).envelope(timestamp: nowISO)
        } catch {
            env.logger.error("tool failed", metadata: ["tool": "\(operation)", "error": "\(error)"])
            return SCSError.system(component: component, operation: operation).envelope(timestamp: nowISO)
        }
    }

    /// An audit row for a write that stores it in its own transaction.
    func auditEvent(_ event: String, agentID: String, sessionID: String? = nil, _ metadata: JSONObject = [:]) -> NewAuditEvent {
        NewAuditEvent(eventType: event, agentID: agentID.isEmpty ? "unknown" : agentID, sessionID: sessionID, metadata: metadata, timestamp: now)
    }

    /// Writes an audit row; a failure is logged, never returned to the caller.
    func audit(_ event: String, agentID: String, sessionID: String? = nil, _ metadata: JSONObject = [:]) async {
        do {
            try await env.storage.appendAudit(auditEvent(event, agentID: agentID, sessionID: sessionID, metadata))
        } catch {
            env.logger.warning("audit write failed", metadata: ["event": "\(event)", "error": "\(error)"])
        }
    }

    /// An audit row written after the answer (frequent events: memory writes, searches, guidance).
    /// Writes keep their order (one queue, `AuditWriter`); shutdown drains it, so only a crash can
    /// lose rows not yet committed.
    func auditLater(_ event: String, agentID: String, sessionID: String? = nil, _ metadata: JSONObject = [:]) {
        env.audit.write(auditEvent(event, agentID: agentID, sessionID: sessionID, metadata))
    }

    /// Counts a call of `kind` against `identity`'s quota (`RATE_LIMITED` past it).
    func charge(_ kind: AgentQuotas.Kind, _ identity: AgentIdentity) throws {
        try env.quotas?.charge(kind, identity)
    }

    func requireWrite(_ identity: AgentIdentity) throws {
        guard identity.canWrite else { throw SCSError.writeRequired(identity.permissions) }
    }

    func requireAdmin(_ identity: AgentIdentity) throws {
        guard identity.isAdmin else { throw SCSError.adminRequired(identity.permissions) }
    }

    /// The session, or SESSION_NOT_FOUND.
    func session(_ id: String) async throws -> Session {
        guard let session = try await env.storage.session(id: id) else { throw SCSError.sessionNotFound(id) }
        return session
    }
}

/// Result shapes shared by several tools.
enum ToolJSON {
    /// A message row (the Python server's fields; metadata as an object, docs/CONTRACT.md §5 row 6).
    static func message(_ message: Message) -> JSONValue {
        [
            "id": .int(message.id), "session_id": .string(message.sessionID), "sender": .string(message.sender),
            "sender_type": .string(message.senderType), "content": .string(message.content),
            "visibility": .string(message.visibility.rawValue), "message_type": .string(message.messageType),
            "metadata": message.metadata.map(JSONValue.object) ?? .null, "timestamp": .double(message.timestamp),
            "parent_message_id": message.parentMessageID.map(JSONValue.int) ?? .null,
        ]
    }

    /// `.array(messages.map(message))`, written straight to JSON bytes (the same text: tested).
    static func messages(_ messages: some Collection<Message>) -> JSONValue {
        var out: [UInt8] = []
        out.reserveCapacity(messages.count * 320 + 2)
        out.append(UInt8(ascii: "["))
        for (index, message) in messages.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"id":"#.utf8)
            out.append(contentsOf: String(message.id).utf8)
            out.append(contentsOf: #","session_id":"#.utf8)
            JSONValue.writeString(message.sessionID, to: &out)
            out.append(contentsOf: #","sender":"#.utf8)
            JSONValue.writeString(message.sender, to: &out)
            out.append(contentsOf: #","sender_type":"#.utf8)
            JSONValue.writeString(message.senderType, to: &out)
            out.append(contentsOf: #","content":"#.utf8)
            JSONValue.writeString(message.content, to: &out)
            out.append(contentsOf: #","visibility":"#.utf8)
            JSONValue.writeString(message.visibility.rawValue, to: &out)
            out.append(contentsOf: #","message_type":"#.utf8)
            JSONValue.writeString(message.messageType, to: &out)
            out.append(contentsOf: #","metadata":"#.utf8)
            (message.metadata.map(JSONValue.object) ?? .null).write(to: &out)
            out.append(contentsOf: #","timestamp":"#.utf8)
            JSONValue.double(message.timestamp).write(to: &out)
            out.append(contentsOf: #","parent_message_id":"#.utf8)
            (message.parentMessageID.map(JSONValue.int) ?? .null).write(to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return .raw(RawJSON(out))
    }

    static func session(_ session: Session) -> JSONObject {
        [
            "id": .string(session.id), "purpose": .string(session.purpose), "created_by": .string(session.createdBy),
            "created_at": .double(session.createdAt), "updated_at": .double(session.updatedAt),
            "is_active": .bool(session.isActive && !session.isClosed),
            "metadata": session.metadata.map(JSONValue.object) ?? .null,
            "closed_at": session.closedAt.map(JSONValue.double) ?? .null,
        ]
    }

    /// `fields` with `truncated: true` added when a list ended early at the result budget (the
    /// key is absent otherwise, so ordinary answers keep the Python server's shape).
    static func marked(_ fields: JSONObject, truncated: Bool) -> JSONObject {
        guard truncated else { return fields }
        var marked = fields
        marked["truncated"] = true
        return marked
    }

    static func ok(_ fields: JSONObject) -> JSONObject {
        var object: JSONObject = ["success": true]
        for (key, value) in fields { object[key] = value }
        return object
    }
}
