import SCSCore
import SCSTesting
import Testing
import OrderedCollections

@Suite("Tools: authenticate_agent, refresh_token, revoke_token")
struct AuthToolTests {
    @Test("authenticate_agent: permissions follow the agent type, defaults read+write, the API key and a blank id refused")
    func authenticate() async throws {
        try await withTools { tools in
            let claude = await tools.call("authenticate_agent", ["agent_id": "a1", "agent_type": "claude"])
            #expect(claude.succeeded && claude.object["permissions"] == ["read", "write"])
            #expect(claude.object["token"]?.stringValue?.hasPrefix("sct_") == true && claude.object["token_type"] == "Protected")
            let greedy = await tools.call("authenticate_agent", ["agent_id": "a2", "agent_type": "claude", "requested_permissions": ["read", "admin"]])
            #expect(greedy.object["permissions"] == ["read"])
            let admin = await tools.call("authenticate_agent", ["agent_id": "root", "agent_type": "admin", "requested_permissions": ["read", "write", "admin"]])
            #expect(admin.object["permissions"] == ["read", "write", "admin"])
            let unknownType = await tools.call("authenticate_agent", ["agent_id": "a3", "agent_type": "wizard"])
            #expect(unknownType.object["permissions"] == ["read"])
            #expect(await tools.call("authenticate_agent", ["agent_id": "a4", "agent_type": "claude"], apiKeyValid: false).code == "AUTH_FAILED")
            #expect(await tools.call("authenticate_agent", ["agent_id": "   ", "agent_type": "claude"]).code == "INVALID_INPUT")
            #expect(await tools.call("authenticate_agent", ["agent_id": "", "agent_type": "claude"]).validationMessage != nil)
            #expect(await tools.call("authenticate_agent", ["agent_type": "claude"]).validationMessage?.contains("agent_id") == true)
        }
    }

    @Test("authenticate_agent with ADMIN_API_KEY configured: admin only for a request that presented it")
    func adminKey() async throws {
        try await withTools(adminKeyRequired: true) { tools in
            let asked: JSONObject = ["agent_id": "root", "agent_type": "admin", "requested_permissions": ["read", "write", "admin"]]
            #expect(await tools.call("authenticate_agent", asked).object["permissions"] == ["read", "write"])
            #expect(await tools.call("authenticate_agent", asked, adminKeyPresented: true).object["permissions"] == ["read", "write", "admin"])
        }
    }

    @Test("refresh_token: a fresh token, the old one stops, a second refresh fails, the session follows the new token")
    func refresh() async throws {
        try await withTools { tools in
            let old = await tools.token("agent")
            let refreshed = await tools.call("refresh_token", ["current_token": .string(old)])
            #expect(refreshed.succeeded && refreshed.object["expires_in"] == 3600)
            let fresh = try #require(refreshed.object["token"]?.stringValue)
            #expect(fresh != old)
            #expect(await tools.call("get_usage_guidance", token: old).code == "TOKEN_AUTHENTICATION_FAILED")
            #expect(await tools.call("get_usage_guidance", token: fresh).object["agent_info"]?["agent_id"] == "agent")
            #expect(await tools.call("refresh_token", ["current_token": .string(old)]).code == "TOKEN_REFRESH_FAILED")
            // The MCP session's bound agent follows: a call without a token is the agent's.
            #expect(await tools.call("get_usage_guidance").object["agent_info"]?["agent_id"] == "agent")
            let badShape = await tools.call("refresh_token", ["current_token": "eyJhbGciOiJIUzI1NiJ9.e30.sig"])
            #expect(badShape.validationMessage?.contains("eyJ") == false)
            #expect(await tools.call("refresh_token", ["current_token": .string(fresh)], apiKeyValid: false).code == "AUTH_FAILED")
        }
    }

    @Test("refresh_token recovers an expired token whose JWT is still valid")
    func recovery() async throws {
        let clock = ManualClock()
        try await withTools(clock: clock) { tools in
            let old = await tools.token("sleepy")
            clock.advance(by: 3_601)
            #expect(await tools.call("get_usage_guidance", token: old).code == "TOKEN_AUTHENTICATION_FAILED")
            let recovered = await tools.call("refresh_token", ["current_token": .string(old)])
            #expect(recovered.object["recovery_performed"] == true && recovered.object["original_agent_id"] == "sleepy")
        }
    }

    @Test("revoke_token: own tokens (the calling one by default), any for an admin; foreign or unknown ones are not found")
    func revoke() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let second = await tools.token("alice")
            let bob = await tools.token("bob")
            let admin = await tools.token("root", "admin")
            #expect(await tools.call("revoke_token", ["token": .string(bob)], token: alice).code == "TOKEN_NOT_FOUND")
            #expect(await tools.call("revoke_token", ["token": .string(second)], token: alice).object["revoked"] == true)
            #expect(await tools.call("get_usage_guidance", token: second).code == "TOKEN_AUTHENTICATION_FAILED")
            #expect(await tools.call("revoke_token", ["token": .string(bob)], token: admin).succeeded)
            #expect(await tools.call("revoke_token", token: alice).object["token_prefix"] == .string(String(alice.prefix(8))))
            #expect(await tools.call("create_session", ["purpose": "x"], token: alice).code == "TOKEN_AUTHENTICATION_FAILED")
            #expect(await tools.call("revoke_token", ["token": "sct_00000000-0000-4000-8000-000000000000"], token: admin).code == "TOKEN_NOT_FOUND")
        }
    }
}
