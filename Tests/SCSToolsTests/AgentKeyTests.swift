import SCSAuth
import SCSCore
import SCSStorage
import SCSTesting
import Testing
import OrderedCollections

/// Registered agents' keys through the tools (README, "Security"): a key is its agent, and in
/// verified mode nothing else is anyone.
@Suite("Registered agents' keys and IDENTITY_MODE")
struct AgentKeyTests {
    @Test("open mode: a key is its agent with no token; it mints tokens for itself only and cannot use another agent's")
    func keyIsTheAgent() async throws {
        try await withTools { tools in
            let key = try await tools.register("builder")
            let created = await tools.call("create_session", ["purpose": "keyed"], agentKey: key)
            #expect(created.succeeded)
            let session = try #require(created.object["session_id"]?.stringValue)
            let post = await tools.call("add_message", ["session_id": .string(session), "content": "from the key"], agentKey: key)
            #expect(post.succeeded)
            let messages = await tools.call("get_messages", ["session_id": .string(session)], agentKey: key)
            #expect(messages.object["messages"]?[0]?["sender"] == "builder")
            // Its own token: yes (with at most its registered permissions); anyone else's: no.
            let own = await tools.call("authenticate_agent", ["agent_id": "builder", "agent_type": "admin", "requested_permissions": ["read", "write", "admin"]], agentKey: key)
            #expect(own.succeeded && own.object["agent_type"] == "claude" && own.object["permissions"] == ["read", "write"])
            let other = await tools.call("authenticate_agent", ["agent_id": "reviewer", "agent_type": "claude"], agentKey: key)
            #expect(other.code == "TOKEN_AUTHENTICATION_FAILED")
            let reviewer = await tools.token("reviewer")  // self-asserted, with the API key alone (open mode)
            let secret = await tools.post(reviewer, session, "reviewer's private note", visibility: "private")
            #expect(secret > 0)
            let borrowed = await tools.call("get_messages", ["session_id": .string(session)], token: reviewer, agentKey: key)
            #expect(borrowed.code == "TOKEN_AUTHENTICATION_FAILED")
            let mine = await tools.call("get_messages", ["session_id": .string(session)], agentKey: key)
            #expect(mine.object["messages"]?.arrayValue?.contains { $0["content"] == "reviewer's private note" } == false)
        }
    }

    @Test("verified mode: the API key alone authenticates nobody and reads nothing; a key works until it is revoked or rotated")
    func verifiedMode() async throws {
        let tools = try ToolHarness(identityMode: .verified)
        do {
            let refused = await tools.call("authenticate_agent", ["agent_id": "anyone", "agent_type": "claude"])
            #expect(refused.code == "TOKEN_AUTHENTICATION_FAILED")
            #expect(refused.object["error"]?.stringValue?.contains("IDENTITY_MODE=verified") == true)
            #expect(await tools.call("list_sessions").code == "TOKEN_AUTHENTICATION_FAILED")
            let key = try await tools.register("builder")
            let session = await tools.call("create_session", ["purpose": "verified"], agentKey: key).object["session_id"]?.stringValue ?? ""
            #expect(session.hasPrefix("session_"))
            let token = await tools.call("authenticate_agent", ["agent_id": "builder", "agent_type": "claude"], agentKey: key)
            #expect(token.succeeded)
            // A token alone, without the key, is not an identity in verified mode.
            let tokenAlone = await tools.call("get_messages", ["session_id": .string(session)], token: token.object["token"]?.stringValue)
            #expect(tokenAlone.code == "TOKEN_AUTHENTICATION_FAILED")
            let storage: any Storage = tools.database.storage
            // Revoked: the very next call fails (the harness caches nothing).
            #expect(try await storage.revokeAgent(agentID: "builder", at: tools.clock.now()))
            #expect(await tools.call("list_sessions", agentKey: key).code == "TOKEN_AUTHENTICATION_FAILED")
            // Rotated: the old key fails, the new one works.
            let second = try await tools.register("reviewer")
            let rotation = try await AgentKeys(store: storage).rotate(agentID: "reviewer")
            let rotated = try #require(rotation)
            #expect(await tools.call("list_sessions", agentKey: second).code == "TOKEN_AUTHENTICATION_FAILED")
            #expect(await tools.call("list_sessions", agentKey: rotated).succeeded)
        } catch {
            await tools.remove()
            throw error
        }
        await tools.remove()
    }
}
