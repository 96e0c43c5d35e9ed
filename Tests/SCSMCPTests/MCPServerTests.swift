import SCSCore
import SCSMCP
import Synchronization
import Testing
import OrderedCollections

@Suite("MCP server core (transport-independent)")
struct MCPServerTests {
    final class Seen: Sendable {
        let arguments = Mutex<[JSONObject]>([])
    }

    func server(_ seen: Seen) -> MCPServer {
        let echo = ToolDefinition(
            name: "echo", description: "echo",
            inputSchema: ["type": "object", "properties": ["text": ["type": "string"], "limit": ["type": "integer", "minimum": 1, "default": 5]], "required": ["text"]],
            readOnly: true
        ) { invocation in
            seen.arguments.withLock { $0.append(invocation.arguments) }
            return ["success": true, "text": invocation.arguments["text"] ?? .null]
        }
        let prompt = PromptDefinition(name: "p", description: "d", arguments: [PromptArgument(name: "x", description: "x", required: true)]) { arguments, _ in
            "hello \(arguments["x"] ?? "")"
        }
        return MCPServer(info: .init(version: "test"), tools: [echo], prompts: [prompt])
    }

    let client = MCPClientContext(mcpSessionID: "0123456789abcdef", hasSession: true, apiKeyValid: true)

    func request(_ method: String, _ params: JSONObject = [:]) -> JSONRPC.Message {
        .request(id: .int(1), method: method, params: params)
    }

    @Test("initialize answers the requested version when supported, else the newest")
    func negotiation() async {
        let server = server(Seen())
        for (asked, answered) in [("2024-11-05", "2024-11-05"), ("2025-03-26", "2025-03-26"), ("2025-11-25", "2025-11-25"), ("2099-01-01", "2025-11-25")] {
            let reply = await server.handle(request("initialize", ["protocolVersion": .string(asked)]), client: client)
            #expect(reply?["result"]?["protocolVersion"] == .string(answered))
        }
        #expect(await server.handle(.notification(method: "notifications/initialized", params: [:]), client: client) == nil)
    }

    @Test("tools/call validates before the handler runs, fills defaults, returns structured and text content")
    func toolCalls() async throws {
        let seen = Seen()
        let server = server(seen)
        let invalid = await server.handle(request("tools/call", ["name": "echo", "arguments": ["text": "x", "limit": 0]]), client: client)
        #expect(invalid?["result"]?["isError"] == true)
        #expect(invalid?["result"]?["content"]?[0]?["text"] == "Input validation error: 0 is less than the minimum of 1")
        #expect(seen.arguments.withLock { $0.isEmpty })
        let ok = await server.handle(request("tools/call", ["name": "echo", "arguments": ["text": "hi"]]), client: client)
        #expect(ok?["result"]?["structuredContent"] == ["success": true, "text": "hi"])
        #expect(ok?["result"]?["content"]?[0]?["text"] == #"{"success":true,"text":"hi"}"#)
        #expect(seen.arguments.withLock { $0 } == [["text": "hi", "limit": 5]])
        let unknown = await server.handle(request("tools/call", ["name": "nope"]), client: client)
        #expect(unknown?["error"]?["code"] == .int(-32602))
        let snapshot = server.metrics.snapshot()
        #expect(snapshot["echo"]?["calls"] == 2 && snapshot["echo"]?["errors"] == 1)
    }

    @Test("unknown methods, prompts and subscriptions without a session")
    func protocolErrors() async {
        let server = server(Seen())
        #expect(await server.handle(request("nope/nope"), client: client)?["error"]?["code"] == .int(-32601))
        let prompt = await server.handle(request("prompts/get", ["name": "p", "arguments": ["x": "there"]]), client: client)
        #expect(prompt?["result"]?["messages"]?[0]?["content"]?["text"] == "hello there")
        #expect(await server.handle(request("prompts/get", ["name": "p"]), client: client)?["error"]?["code"] == .int(-32602))
        let stateless = MCPClientContext(mcpSessionID: "x", hasSession: false, apiKeyValid: true)
        #expect(await server.handle(request("resources/subscribe", ["uri": "session://x"]), client: stateless)?["error"]?["code"] == .int(-32600))
        let discover = await server.handle(request("server/discover"), client: stateless)
        #expect(discover?["result"]?["supportedVersions"]?.arrayValue?.contains("2026-07-28") == true)
    }
}
