import Foundation
import Logging
import SCSAuth
public import SCSApplication
public import SCSCore
public import SCSMCP
public import SCSTools
import SCSStorage
import Synchronization
public import OrderedCollections

/// The 23 tools as the server serves them — the server `scs serve` assembles (`ServerApplication`),
/// called through `MCPServer.respond`, the one `tools/call` path — over a temporary SQLite file,
/// with the workers' handlers in process. Calls come from one MCP
/// session whose bound agent follows authenticate_agent, as over HTTP.
public final class ToolHarness: Sendable {
    public let database: TemporaryDatabase
    public let application: ServerApplication
    public let environment: ToolEnvironment
    public let server: MCPServer
    public let clock: any WallClock
    let bound = BoundToken()

    /// What a tool call answered: its result object, or a schema violation's text.
    public enum Reply: Sendable {
        case result(JSONObject)
        case invalid(String)

        /// The result object (a test failure when the call broke the schema).
        public var object: JSONObject {
            guard case .result(let object) = self else { return ["success": false, "code": "SCHEMA_VIOLATION"] }
            return object
        }

        public var code: String? { object["code"]?.stringValue }
        public var succeeded: Bool { object["success"] == true }

        public var validationMessage: String? {
            guard case .invalid(let message) = self else { return nil }
            return message
        }
    }

    /// `longestWait` bounds `wait_for_messages` (short, so that a test of a timeout is quick).
    public init(
        clock: any WallClock = SystemClock(), resultBudget: Int = Limits.resultBytes, adminKeyRequired: Bool = false, longestWait: Double = 5,
        identityMode: IdentityMode = .open, quotas: QuotaConfiguration? = nil
    ) throws {
        database = try TemporaryDatabase()
        self.clock = clock
        var logger = Logger(label: "scs.test")
        logger.logLevel = .critical
        // The server `scs serve` assembles, with the workers' handlers in this process.
        var parts = ServerParts.inProcess(
            storage: database.storage, directory: database.directory, workers: try InProcessWorkers(storage: database.storage, clock: clock),
            version: "test", logger: logger, adminAPIKey: adminKeyRequired ? String(repeating: "a", count: 40) : nil)
        parts.clock = clock
        parts.resultBudget = resultBudget
        parts.longestWait = longestWait
        parts.tokenCacheLifetime = 0
        parts.configuration.auth.identityMode = identityMode
        if let quotas { parts.configuration.auth.quotas = quotas }
        application = ServerApplication(parts)
        environment = application.environment
        server = application.server
    }

    public func remove() async {
        await environment.audit.drain()
        await database.remove()
    }

    /// Calls `tool` with `arguments` (and `auth_token` when `token` is given).
    /// `agentKey`: the request presented that registered agent's key (as the edge lets through).
    public func call(
        _ tool: String, _ arguments: JSONObject? = nil, token: String? = nil, apiKeyValid: Bool = true, adminKeyPresented: Bool = false,
        agentKey: String? = nil
    ) async -> Reply {
        var arguments = arguments ?? JSONObject()
        if let token { arguments["auth_token"] = .string(token) }
        let bound = bound
        var client = MCPClientContext(
            mcpSessionID: "0123456789abcdef0123456789abcdef", hasSession: true, boundTokenDigest: bound.digest, apiKeyValid: apiKeyValid,
            bindToken: { token in bound.bind(token) })
        client.adminKeyPresented = adminKeyPresented
        client.agentKey = agentKey
        let request = JSONRPC.Message.request(id: .int(1), method: "tools/call", params: ["name": .string(tool), "arguments": .object(arguments)])
        guard let bytes = await server.respond(request, client: client), let reply = try? JSONValue.parse(bytes),
              let result = reply["result"]
        else { return .invalid("no JSON-RPC result") }
        if result["isError"] == true { return .invalid(result["content"]?[0]?["text"]?.stringValue ?? "") }
        return .result(result["structuredContent"]?.objectValue ?? [:])
    }

    /// A token for `agentID` of `agentType` (with the permissions that type allows).
    public func token(_ agentID: String, _ agentType: String = "claude", permissions: [String] = ["read", "write", "admin"]) async -> String {
        let reply = await call("authenticate_agent", [
            "agent_id": .string(agentID), "agent_type": .string(agentType), "requested_permissions": .array(permissions.map(JSONValue.string)),
        ])
        return reply.object["token"]?.stringValue ?? "no-token"
    }

    /// A new session created by the token's agent; its id.
    public func session(_ token: String, purpose: String = "tests") async -> String {
        await call("create_session", ["purpose": .string(purpose)], token: token).object["session_id"]?.stringValue ?? "no-session"
    }

    /// Posts a message; its id (0 when refused).
    @discardableResult
    public func post(_ token: String, _ sessionID: String, _ content: String, visibility: String = "public", parent: Int64? = nil) async -> Int64 {
        var arguments: JSONObject = ["session_id": .string(sessionID), "content": .string(content), "visibility": .string(visibility)]
        if let parent { arguments["parent_message_id"] = .int(parent) }
        return await call("add_message", arguments, token: token).object["message_id"]?.intValue ?? 0
    }
}

/// The digest of the token bound to the harness's MCP session, as `MCPSessionRegistry` keeps it.
final class BoundToken: Sendable {
    let state = Mutex<String?>(nil)
    var digest: String? { state.withLock { $0 } }
    func bind(_ token: String) { state.withLock { $0 = TokenDigest.of(token) } }
}

extension ToolHarness {
    /// Registers `agentID` (as `scs agents add` does) and returns its key.
    public func register(_ agentID: String, _ agentType: String = "claude", permissions: [String] = ["read", "write"]) async throws -> String {
        try await AgentKeys(store: database.storage).register(agentID: agentID, agentType: agentType, permissions: permissions).key
    }
}
