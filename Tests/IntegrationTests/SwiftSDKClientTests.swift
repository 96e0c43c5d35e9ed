import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import MCP
import SCSCore
import Testing

/// The MCP Swift SDK's client against a real `scs serve` (real workers, real SQLite): every one
/// of the 23 tools, a success and an error path each.
@Suite("Swift SDK client end to end", .serialized)
struct SwiftSDKClientTests {
    /// One connected SDK client; results are parsed from the tool's JSON text content.
    struct Agent {
        let client: Client

        static func connect(port: Int, apiKey: String) async throws -> Agent {
            let transport = HTTPClientTransport(
                endpoint: URL(string: "http://127.0.0.1:\(port)/mcp/")!, streaming: false,
                requestModifier: { request in
                    var request = request
                    request.setValue(apiKey, forHTTPHeaderField: "X-API-Key")
                    return request
                })
            let client = Client(name: "scs-swift-sdk-test", version: "1.0")
            _ = try await client.connect(transport: transport)
            return Agent(client: client)
        }

        func call(_ tool: String, _ arguments: [String: Value] = [:]) async throws -> JSONValue {
            let (content, isError) = try await client.callTool(name: tool, arguments: arguments)
            guard case .text(let text, _, _)? = content.first else { throw TestFailure("\(tool): no text content") }
            if isError == true { return ["validation_error": .string(text)] }
            return try JSONValue.parse(text)
        }
    }

    @Test("all 23 tools through the Swift SDK client: successes and errors")
    func everyTool() async throws {
        let serve = try await ServeHarness.start()
        defer { serve.sandbox.remove() }
        let key = ServeHarness.keys["API_KEY"]!
        let agent = try await Agent.connect(port: serve.port, apiKey: key)
        let (tools, _) = try await agent.client.listTools()
        #expect(tools.count == 23)

        let auth = try await agent.call("authenticate_agent", ["agent_id": "sdk-agent", "agent_type": "claude"])
        let token = try #require(auth["token"]?.stringValue)
        let admin = try #require(try await agent.call(
            "authenticate_agent", ["agent_id": "sdk-admin", "agent_type": "admin", "requested_permissions": ["read", "write", "admin"]])["token"]?.stringValue)
        let reader = try #require(try await agent.call("authenticate_agent", ["agent_id": "sdk-reader", "agent_type": "gemini"])["token"]?.stringValue)
        #expect(try await agent.call("authenticate_agent", ["agent_id": "", "agent_type": "claude"])["validation_error"] != nil)
        let t: Value = .string(token)

        let created = try await agent.call("create_session", ["purpose": "sdk", "auth_token": t])
        let sid = try #require(created["session_id"]?.stringValue)
        #expect(try await agent.call("create_session", ["purpose": "   ", "auth_token": t])["code"] == "INVALID_INPUT")
        #expect(try await agent.call("get_session", ["session_id": .string(sid), "auth_token": t])["success"] == true)
        #expect(try await agent.call("get_session", ["session_id": "session_0000000000000000"])["code"] == "SESSION_NOT_FOUND")

        let first = try await agent.call("add_message", ["session_id": .string(sid), "content": "database migration plan", "auth_token": t])
        let firstID = try #require(first["message_id"]?.intValue)
        let reply = try await agent.call("add_message", [
            "session_id": .string(sid), "content": "agreed", "parent_message_id": .int(Int(firstID)), "auth_token": t,
        ])
        let replyID = try #require(reply["message_id"]?.intValue)
        #expect(try await agent.call("add_message", ["session_id": .string(sid), "content": "x", "visibility": "admin_only", "auth_token": t])["code"] == "PERMISSION_DENIED")
        #expect(try await agent.call("get_messages", ["session_id": .string(sid), "auth_token": t])["count"] == 2)
        #expect(try await agent.call("get_messages", ["session_id": .string(sid), "limit": 0])["validation_error"] != nil)
        #expect(try await agent.call("search_context", ["session_id": .string(sid), "query": "databse", "auth_token": t])["message_count"] == 1)
        #expect(try await agent.call("search_context", ["session_id": .string(sid)])["validation_error"] != nil)
        #expect(try await agent.call("search_by_sender", ["session_id": .string(sid), "sender": "sdk-agent"])["count"] == 2)
        #expect(try await agent.call("search_by_sender", ["session_id": "session_0000000000000000", "sender": "x"])["code"] == "SESSION_NOT_FOUND")
        #expect(try await agent.call("search_by_timerange", ["session_id": .string(sid), "start_time": "2000-01-01", "end_time": "2999-01-01"])["count"] == 2)
        #expect(try await agent.call("search_by_timerange", ["session_id": .string(sid), "start_time": "soon", "end_time": "later"])["code"] == "INVALID_DATETIME")

        #expect(try await agent.call("set_memory", ["key": "plan", "value": ["step": 1], "auth_token": t])["scope"] == "global")
        #expect(try await agent.call("set_memory", ["key": "plan", "value": 2, "overwrite": false, "auth_token": t])["code"] == "KEY_EXISTS")
        #expect(try await agent.call("get_memory", ["key": "plan", "auth_token": t])["value"] == ["step": 1])
        #expect(try await agent.call("get_memory", ["key": "missing", "auth_token": t])["code"] == "MEMORY_NOT_FOUND")
        #expect(try await agent.call("list_memory", ["auth_token": t])["count"] == 1)
        #expect(try await agent.call("list_memory", ["limit": 999])["validation_error"] != nil)
        #expect(try await agent.call("delete_memory", ["key": "plan", "auth_token": t])["deleted"] == true)
        #expect(try await agent.call("delete_memory", ["key": "plan", "auth_token": t])["code"] == "MEMORY_NOT_FOUND")

        #expect(try await agent.call("get_usage_guidance", ["auth_token": t])["access_level"] == "AGENT")
        #expect(try await agent.call("get_usage_guidance", ["guidance_type": "x"])["code"] == "INVALID_GUIDANCE_TYPE")
        #expect(try await agent.call("get_performance_metrics", ["auth_token": .string(admin)])["success"] == true)
        #expect(try await agent.call("get_performance_metrics", ["auth_token": t])["code"] == "PERMISSION_DENIED")
        #expect(try await agent.call("list_sessions", ["auth_token": t])["count"] == 1)
        #expect(try await agent.call("list_sessions", ["limit": 501])["validation_error"] != nil)
        #expect(try await agent.call("get_audit_log", ["event_type": "session_created", "auth_token": .string(admin)])["count"] == 1)
        #expect(try await agent.call("get_audit_log", ["auth_token": t])["code"] == "PERMISSION_DENIED")
        #expect(try await agent.call("set_message_visibility", ["message_id": .int(Int(replyID)), "visibility": "private", "auth_token": t])["previous_visibility"] == "public")
        #expect(try await agent.call("set_message_visibility", ["message_id": .int(Int(replyID)), "visibility": "admin_only", "auth_token": t])["code"] == "PERMISSION_DENIED")
        #expect(try await agent.call("wait_for_messages", ["session_id": .string(sid), "after_message_id": .int(Int(firstID)), "timeout_seconds": 0, "auth_token": t])["count"] == 1)
        #expect(try await agent.call("wait_for_messages", ["session_id": .string(sid), "timeout_seconds": 61])["validation_error"] != nil)
        // the MCP session is bound to the agent authenticated last (sdk-reader): it was active too
        let active = try await agent.call("get_active_agents", ["session_id": .string(sid), "auth_token": t])
        #expect(Set((active["agents"]?.arrayValue ?? []).compactMap { $0["agent_id"]?.stringValue }) == ["sdk-agent", "sdk-reader"])
        #expect(try await agent.call("get_active_agents", ["session_id": .string(sid), "window_seconds": 0])["validation_error"] != nil)
        #expect(try await agent.call("get_message_thread", ["message_id": .int(Int(replyID)), "auth_token": t])["count"] == 2)
        #expect(try await agent.call("get_message_thread", ["message_id": .int(Int(replyID)), "auth_token": .string(reader)])["code"] == "MESSAGE_NOT_FOUND")
        #expect(try await agent.call("close_session", ["session_id": .string(sid), "auth_token": .string(admin)])["success"] == true)
        #expect(try await agent.call("add_message", ["session_id": .string(sid), "content": "late", "auth_token": t])["code"] == "SESSION_CLOSED")
        #expect(try await agent.call("close_session", ["session_id": "session_0000000000000000", "auth_token": t])["code"] == "SESSION_NOT_FOUND")

        let refreshed = try await agent.call("refresh_token", ["current_token": t])
        let fresh = try #require(refreshed["token"]?.stringValue)
        #expect(try await agent.call("refresh_token", ["current_token": t])["code"] == "TOKEN_REFRESH_FAILED")
        #expect(try await agent.call("revoke_token", ["auth_token": .string(fresh)])["revoked"] == true)
        #expect(try await agent.call("revoke_token", ["token": .string(fresh), "auth_token": .string(admin)])["code"] == "TOKEN_NOT_FOUND")
        #expect(try await agent.call("get_usage_guidance", ["auth_token": .string(fresh)])["code"] == "TOKEN_AUTHENTICATION_FAILED")

        await agent.client.disconnect()
        #expect(try await serve.stop() == 0)
    }
}
