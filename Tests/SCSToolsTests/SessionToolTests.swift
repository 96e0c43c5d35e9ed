import SCSCore
import SCSTesting
import Testing
import OrderedCollections

@Suite("Tools: create_session, get_session, list_sessions, close_session, get_active_agents")
struct SessionToolTests {
    @Test("create_session needs write; an anonymous or read-only caller is refused; metadata must be an object within its cap")
    func create() async throws {
        try await withTools { tools in
            let writer = await tools.token("writer")
            let reader = await tools.token("reader", "wizard")
            let created = await tools.call("create_session", ["purpose": "plan", "metadata": ["k": "v"]], token: writer)
            #expect(created.succeeded && created.object["created_by"] == "writer")
            #expect(created.object["session_id"]?.stringValue?.hasPrefix("session_") == true)
            #expect(await tools.call("create_session", ["purpose": "plan"], token: reader).code == "PERMISSION_DENIED")
            #expect(await tools.call("create_session", ["purpose": "plan"]).code == "PERMISSION_DENIED")
            #expect(await tools.call("create_session", ["purpose": "plan", "metadata": "text"], token: writer).validationMessage != nil)
            #expect(await tools.call("create_session", ["metadata": [:]], token: writer).validationMessage?.contains("purpose") == true)
            let huge: JSONObject = ["purpose": "x", "metadata": ["blob": .string(String(repeating: "m", count: 20_000))]]
            #expect(await tools.call("create_session", huge, token: writer).code == "METADATA_TOO_LARGE")
        }
    }

    @Test("get_session: the newest 50 visible messages; a missing or malformed id is refused")
    func get() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            for index in 0..<55 { await tools.post(alice, session, "m\(index)") }
            let secret = await tools.post(alice, session, "alice only", visibility: "private")
            let asBob = await tools.call("get_session", ["session_id": .string(session)], token: bob)
            #expect(asBob.object["message_count"] == 50 && !asBob.messageIDs.contains(secret))
            #expect(asBob.object["session"]?["id"] == .string(session))
            let asAlice = await tools.call("get_session", ["session_id": .string(session)], token: alice)
            #expect(asAlice.messageIDs.contains(secret))
            #expect(await tools.call("get_session", ["session_id": "session_0000000000000000"], token: bob).code == "SESSION_NOT_FOUND")
            #expect(await tools.call("get_session", ["session_id": .string(String(repeating: "s", count: 25))], token: bob).validationMessage != nil)
        }
    }

    @Test("list_sessions: newest first, paged with has_more, counts over visible messages, active_only and created_by filters")
    func list() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            var sessions: [String] = []
            for index in 0..<5 { sessions.append(await tools.session(alice, purpose: "p\(index)")) }
            await tools.post(alice, sessions[4], "hidden", visibility: "private")
            await tools.post(alice, sessions[4], "shown")
            let bobs = await tools.session(bob)
            let page = await tools.call("list_sessions", ["limit": 2], token: bob)
            let ids = (page.object["sessions"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            #expect(ids == [bobs, sessions[4]])
            #expect(page.object["total_count"] == 6 && page.object["has_more"] == true)
            #expect(page.object["sessions"]?[1]?["message_count"] == 1)
            let last = await tools.call("list_sessions", ["limit": 2, "offset": 4], token: bob)
            #expect(last.object["count"] == 2 && last.object["has_more"] == false)
            let mine = await tools.call("list_sessions", ["created_by": "bob"], token: alice)
            #expect(mine.object["total_count"] == 1)
            _ = await tools.call("close_session", ["session_id": .string(sessions[0])], token: alice)
            #expect(await tools.call("list_sessions", token: bob).object["total_count"] == 5)
            #expect(await tools.call("list_sessions", ["active_only": false], token: bob).object["total_count"] == 6)
            #expect(await tools.call("list_sessions", ["limit": 501], token: bob).validationMessage != nil)
            #expect(await tools.call("list_sessions", ["offset": -1], token: bob).validationMessage != nil)
        }
    }

    @Test("close_session: the creator or an admin; afterwards no posts or session memory, reads go on; closing again keeps the first time")
    func close() async throws {
        let clock = ManualClock()
        try await withTools(clock: clock) { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let admin = await tools.token("root", "admin")
            let session = await tools.session(alice)
            let message = await tools.post(alice, session, "before")
            #expect(await tools.call("close_session", ["session_id": .string(session)], token: bob).code == "PERMISSION_DENIED")
            let closed = await tools.call("close_session", ["session_id": .string(session)], token: alice)
            #expect(closed.succeeded)
            clock.advance(by: 10)
            let again = await tools.call("close_session", ["session_id": .string(session)], token: admin)
            #expect(again.object["closed_at"] == closed.object["closed_at"])
            #expect(await tools.call("add_message", ["session_id": .string(session), "content": "late"], token: alice).code == "SESSION_CLOSED")
            let memory: JSONObject = ["key": "k", "value": 1, "session_id": .string(session)]
            #expect(await tools.call("set_memory", memory, token: alice).code == "SESSION_CLOSED")
            #expect(await tools.call("get_messages", ["session_id": .string(session)], token: bob).messageIDs == [message])
            let other = await tools.session(bob)
            #expect(await tools.call("close_session", ["session_id": .string(other)], token: admin).succeeded)
        }
    }

    @Test("get_active_agents: agents that made an authenticated call on the session within the window, with visible message counts")
    func activeAgents() async throws {
        let clock = ManualClock()
        try await withTools(clock: clock) { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            await tools.post(alice, session, "one")
            await tools.post(alice, session, "two", visibility: "private")
            clock.advance(by: 200)
            _ = await tools.call("get_messages", ["session_id": .string(session)], token: bob)
            let now = await tools.call("get_active_agents", ["session_id": .string(session)], token: bob)
            let agents = now.object["agents"]?.arrayValue ?? []
            #expect(Set(agents.compactMap { $0["agent_id"]?.stringValue }) == ["alice", "bob"])
            #expect(agents.first { $0["agent_id"] == "alice" }?["message_count"] == 1)
            let recent = await tools.call("get_active_agents", ["session_id": .string(session), "window_seconds": 100], token: bob)
            #expect((recent.object["agents"]?.arrayValue ?? []).compactMap { $0["agent_id"]?.stringValue } == ["bob"])
            #expect(await tools.call("get_active_agents", ["session_id": .string(session), "window_seconds": 0], token: bob).validationMessage != nil)
            #expect(await tools.call("get_active_agents", ["session_id": "session_0000000000000000"], token: bob).code == "SESSION_NOT_FOUND")
        }
    }
}
