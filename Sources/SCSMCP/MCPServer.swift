import Foundation
public import Logging
public import SCSCore
import OrderedCollections

/// The MCP protocol, independent of the transport: initialize and version negotiation, ping,
/// tools (schema-validated), resources (+ subscriptions) and prompts.
public final class MCPServer: Sendable {
    public struct Info: Sendable {
        public var name: String
        public var version: String
        public var instructions: String

        public init(name: String = "shared-context-server", version: String, instructions: String = "Centralized memory store for multi-agent collaboration") {
            self.name = name
            self.version = version
            self.instructions = instructions
        }
    }

    /// Newest first. The first is offered to clients that ask for a version we do not speak.
    public static let supportedVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    /// The stateless revision: no initialize, no session, the version sent with each request.
    public static let statelessVersion = "2026-07-28"

    public let info: Info
    /// Tool calls at debug level (with the request id the HTTP layer set).
    let logger: Logger
    public let tools: [ToolDefinition]
    let toolsByName: [String: ToolDefinition]
    public let resources: (any ResourceProvider)?
    public let prompts: [PromptDefinition]
    public let hub: NotificationHub
    public let metrics: ToolMetrics
    let clock: any WallClock

    public init(
        info: Info, tools: [ToolDefinition], resources: (any ResourceProvider)? = nil, prompts: [PromptDefinition] = [],
        hub: NotificationHub = NotificationHub(), metrics: ToolMetrics = ToolMetrics(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "scs.mcp")
    ) {
        self.logger = logger
        self.info = info
        self.tools = tools
        toolsByName = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.resources = resources
        self.prompts = prompts
        self.hub = hub
        self.metrics = metrics
        self.clock = clock
    }

    /// The version to answer an `initialize` asking for `requested`.
    public static func negotiate(_ requested: String?) -> String {
        guard let requested, supportedVersions.contains(requested) else { return supportedVersions[0] }
        return requested
    }

    public static func isKnownVersion(_ version: String) -> Bool {
        supportedVersions.contains(version) || version == statelessVersion
    }

    /// Handles one message; nil for notifications and client responses (nothing to answer).
    public func handle(_ message: JSONRPC.Message, client: MCPClientContext) async -> JSONValue? {
        guard case .request(let id, let method, let params) = message else { return nil }
        do {
            return JSONRPC.result(id: id, try await dispatch(method: method, params: params, client: client))
        } catch {
            return JSONRPC.error(id: id, code: error.code, message: error.message)
        }
    }

    func dispatch(method: String, params: JSONObject, client: MCPClientContext) async throws(MCPError) -> JSONValue {
        switch method {
        case "initialize":
            return initializeResult(requested: params["protocolVersion"]?.stringValue)
        case "server/discover":
            return discoverResult
        case "ping", "logging/setLevel":
            return [:]
        case "tools/list":
            return ["tools": .array(tools.map(\.listing))]
        case "tools/call":
            return try await callTool(params: params, client: client)
        case "resources/list":
            return ["resources": []]
        case "resources/templates/list":
            return ["resourceTemplates": .array((resources?.templates ?? []).map(\.listing))]
        case "resources/read":
            let uri = try Self.uri(params)
            guard let resources else { throw MCPError(.invalidParams, "Unknown resource: \(uri)") }
            let body = try await resources.read(uri: uri, client: client)
            return ["contents": [["uri": .string(uri), "mimeType": "application/json", "text": .string(body.compactText)]]]
        case "resources/subscribe", "resources/unsubscribe":
            let uri = try Self.uri(params)
            guard uri.utf8.count <= NotificationHub.maxURILength else {
                throw MCPError(.invalidParams, "Invalid params: uri longer than \(NotificationHub.maxURILength) bytes")
            }
            guard client.hasSession else {
                throw MCPError(.invalidRequest, "Subscriptions need an MCP session (initialize first)")
            }
            if method == "resources/unsubscribe" {
                hub.unsubscribe(mcpSessionID: client.mcpSessionID, uri: uri)
            } else {
                guard let resources else { throw MCPError(.invalidParams, "Unknown resource: \(uri)") }
                let identity = try await resources.subscriber(uri: uri, client: client)
                guard hub.subscribe(mcpSessionID: client.mcpSessionID, uri: uri, identity: identity, token: client.ambientCredential) else {
                    throw MCPError(.invalidRequest, "Too many subscriptions (at most \(NotificationHub.maxSubscriptionsPerSession) per MCP session)")
                }
            }
            return [:]
        case "prompts/list":
            return ["prompts": .array(prompts.map(\.listing))]
        case "prompts/get":
            return try await getPrompt(params: params, client: client)
        default:
            throw MCPError(.methodNotFound, "Method not found: \(method)")
        }
    }

    func initializeResult(requested: String?) -> JSONValue {
        [
            "protocolVersion": .string(Self.negotiate(requested)),
            "capabilities": capabilities,
            "serverInfo": ["name": .string(info.name), "version": .string(info.version)],
            "instructions": .string(info.instructions),
        ]
    }

    /// `server/discover` of the stateless revision.
    var discoverResult: JSONValue {
        [
            "supportedVersions": .array((Self.supportedVersions.reversed() + [Self.statelessVersion]).map(JSONValue.string)),
            "capabilities": capabilities, "instructions": .string(info.instructions), "cacheScope": "public",
            "resultType": "complete",
            "_meta": ["io.modelcontextprotocol/serverInfo": ["name": .string(info.name), "version": .string(info.version)]],
        ]
    }

    var capabilities: JSONValue {
        [
            "prompts": ["listChanged": false], "resources": ["subscribe": true, "listChanged": false],
            "tools": ["listChanged": false],
        ]
    }

    static func uri(_ params: JSONObject) throws(MCPError) -> String {
        guard let uri = params["uri"]?.stringValue, !uri.isEmpty else { throw MCPError(.invalidParams, "Invalid params: uri is required") }
        return uri
    }

    enum ToolOutcome {
        case invalid(String)
        case result(JSONObject)
    }

    func runTool(params: JSONObject, client: MCPClientContext) async throws(MCPError) -> ToolOutcome {
        guard let name = params["name"]?.stringValue else { throw MCPError(.invalidParams, "Invalid params: name is required") }
        guard let tool = toolsByName[name] else { throw MCPError(.invalidParams, "Unknown tool: \(name)") }
        let arguments: JSONObject
        switch params["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let given)?: arguments = given
        default: throw MCPError(.invalidParams, "Invalid params: arguments must be an object")
        }
        let started = DispatchTime.now().uptimeNanoseconds
        if let violation = tool.validator.firstError(.object(arguments)) {
            metrics.record(tool: name, nanoseconds: Self.nanoseconds(since: started), failed: true, code: "INVALID_INPUT")
            return .invalid("Input validation error: \(violation)")
        }
        let result = await tool.handler(ToolInvocation(arguments: tool.withDefaults(arguments), client: client))
        let failed = result["success"] == false
        let elapsed = Self.nanoseconds(since: started)
        metrics.record(tool: name, nanoseconds: elapsed, failed: failed, code: failed ? result["code"]?.stringValue : nil)
        logger.debug("tool call", metadata: [
            "tool": "\(name)", "outcome": "\(failed ? result["code"]?.stringValue ?? "ERROR" : "ok")", "ms": "\(Double(elapsed) / 1e6)",
        ])
        return .result(result)
    }

    func callTool(params: JSONObject, client: MCPClientContext) async throws(MCPError) -> JSONValue {
        switch try await runTool(params: params, client: client) {
        case .invalid(let message):
            return Self.validationFailure(message)
        case .result(let result):
            return [
                "content": [["type": "text", "text": .string(JSONValue.object(result).compactText)]],
                "structuredContent": .object(result), "isError": false,
            ]
        }
    }

    /// `handle`, serialized. A tools/call result is serialized once: the same bytes are the text
    /// content (escaped) and the structured content.
    public func respond(_ message: JSONRPC.Message, client: MCPClientContext) async -> [UInt8]? {
        guard case .request(let id, "tools/call", let params) = message else {
            return await handle(message, client: client)?.compactBytes
        }
        let outcome: ToolOutcome
        do {
            outcome = try await runTool(params: params, client: client)
        } catch {
            return JSONRPC.error(id: id, code: error.code, message: error.message).compactBytes
        }
        let result: JSONObject
        switch outcome {
        case .invalid(let message):
            return JSONRPC.result(id: id, Self.validationFailure(message)).compactBytes
        case .result(let value):
            result = value
        }
        let body = JSONValue.object(result).compactBytes
        var out: [UInt8] = []
        out.reserveCapacity(body.count * 2 + 128)
        out.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        id.json.write(to: &out)
        out.append(contentsOf: #","result":{"content":[{"type":"text","text":"#.utf8)
        body.withUnsafeBufferPointer { JSONValue.writeString(utf8: $0, to: &out) }
        out.append(contentsOf: #"}],"structuredContent":"#.utf8)
        out.append(contentsOf: body)
        out.append(contentsOf: #","isError":false}}"#.utf8)
        return out
    }

    /// A tool result for arguments that broke the schema.
    static func validationFailure(_ message: String) -> JSONValue {
        ["content": [["type": "text", "text": .string(message)]], "isError": true]
    }

    static func nanoseconds(since start: UInt64) -> UInt64 {
        DispatchTime.now().uptimeNanoseconds &- start
    }

    func getPrompt(params: JSONObject, client: MCPClientContext) async throws(MCPError) -> JSONValue {
        guard let name = params["name"]?.stringValue, let prompt = prompts.first(where: { $0.name == name }) else {
            throw MCPError(.invalidParams, "Unknown prompt: \(params["name"]?.stringValue ?? "")")
        }
        var arguments: [String: String] = [:]
        for (key, value) in params["arguments"]?.objectValue ?? [:] {
            arguments[key] = value.stringValue ?? value.compactText
        }
        for argument in prompt.arguments where argument.required && (arguments[argument.name] ?? "").isEmpty {
            throw MCPError(.invalidParams, "Missing required argument: \(argument.name)")
        }
        let text = try await prompt.handler(arguments, client)
        return [
            "description": .string(prompt.description),
            "messages": [["role": "user", "content": ["type": "text", "text": .string(text)]]],
        ]
    }
}
