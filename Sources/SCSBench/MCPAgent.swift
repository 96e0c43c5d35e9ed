import Foundation
import SCSCore
import OrderedCollections

/// One simulated agent: its own connection, MCP session and token, calling tools over
/// Streamable HTTP (JSON or SSE answers both understood).
/// Used by one thread at a time (handed over explicitly in the wake-up benchmark).
final class MCPAgent: @unchecked Sendable {
    let connection: HTTPConnection
    let path: String
    let apiKey: String
    var sessionID: String?
    var token = ""
    var nextID: Int64 = 1

    init(port: Int, path: String, apiKey: String) throws {
        connection = try HTTPConnection(port: port)
        self.path = path
        self.apiKey = apiKey
    }

    struct CallFailure: Error, CustomStringConvertible {
        let description: String
    }

    func post(_ message: JSONValue) throws -> HTTPConnection.Response {
        try post(body: message.compactBytes)
    }

    func post(body: [UInt8]) throws -> HTTPConnection.Response {
        var headers = [
            ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"), ("X-API-Key", apiKey),
        ]
        if let sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
        return try connection.request("POST", path: path, headers: headers, body: body)
    }

    /// The JSON-RPC answer in a response body (plain JSON, or the `data:` line of an SSE event).
    static func answer(_ body: [UInt8]) throws -> JSONValue {
        if body.first == UInt8(ascii: "{") { return try JSONValue.parse(body) }
        let text = String(decoding: body, as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline).reversed() where line.hasPrefix("data:") {
            return try JSONValue.parse(Array(line.dropFirst(5).utf8))
        }
        throw CallFailure(description: "no JSON in the answer: \(text.prefix(200))")
    }

    func connect(agentID: String, agentType: String, permissions: [String]) throws {
        let initialize: JSONValue = [
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "scs-bench", "version": "1"]],
        ]
        let response = try post(initialize)
        guard response.status == 200, let id = response.headers["mcp-session-id"] else {
            throw CallFailure(description: "initialize answered \(response.status)")
        }
        sessionID = id
        _ = try post(["jsonrpc": "2.0", "method": "notifications/initialized"])
        let auth = try call("authenticate_agent", [
            "agent_id": .string(agentID), "agent_type": .string(agentType), "requested_permissions": .array(permissions.map(JSONValue.string)),
        ])
        guard let token = auth["token"]?.stringValue else { throw CallFailure(description: "authenticate_agent failed: \(auth)") }
        self.token = token
    }

    /// A tool call's result object; throws on transport errors, `isError`, or `success: false`.
    @discardableResult
    func call(_ tool: String, _ arguments: JSONObject) throws -> JSONValue {
        try call(tool, renderedArguments: JSONValue.object(arguments).compactBytes)
    }

    /// The same, with the arguments object already written as JSON text.
    @discardableResult
    func call(_ tool: String, renderedArguments arguments: [UInt8]) throws -> JSONValue {
        try result(of: tool, try send(tool, renderedArguments: arguments))
    }

    /// A timed call of the load generator: the answer is checked (`AnswerCheck`), not parsed,
    /// unless the check fails — then it is parsed in full to throw the reason.
    func check(_ tool: String, renderedArguments arguments: [UInt8]) throws {
        let response = try send(tool, renderedArguments: arguments)
        if response.status == 200, response.body.first == UInt8(ascii: "{"), AnswerCheck.succeeded(response.body) { return }
        _ = try result(of: tool, response)
    }

    private func send(_ tool: String, renderedArguments arguments: [UInt8]) throws -> HTTPConnection.Response {
        nextID += 1
        var body: [UInt8] = []
        body.reserveCapacity(arguments.count + 96)
        body.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        body.append(contentsOf: String(nextID).utf8)
        body.append(contentsOf: #","method":"tools/call","params":{"name":"#.utf8)
        JSONValue.string(tool).write(to: &body)
        body.append(contentsOf: #","arguments":"#.utf8)
        body.append(contentsOf: arguments)
        body.append(contentsOf: "}}".utf8)
        return try post(body: body)
    }

    private func result(of tool: String, _ response: HTTPConnection.Response) throws -> JSONValue {
        guard response.status == 200 else { throw CallFailure(description: "\(tool): HTTP \(response.status)") }
        let answer = try Self.answer(response.body)
        guard let result = answer["result"] else { throw CallFailure(description: "\(tool): \(answer["error"] ?? answer)") }
        var structured = result["structuredContent"]
        if structured == nil, let text = result["content"]?.arrayValue?.first?["text"]?.stringValue {
            structured = try? JSONValue.parse(Array(text.utf8))
        }
        guard result["isError"] != true, let object = structured, object["success"] == true else {
            throw CallFailure(description: "\(tool): \(structured?.compactText.prefix(300) ?? result.compactText.prefix(300))")
        }
        return object
    }
}
