import SCSCore
import SCSTesting
import Testing
import OrderedCollections

@Suite("Tools: set_memory, get_memory, list_memory, delete_memory")
struct MemoryToolTests {
    @Test("set_memory and get_memory: any JSON value, global or per session, private to the agent")
    func setAndGet() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            let stored = await tools.call("set_memory", ["key": "plan", "value": ["steps": [1, 2]]], token: alice)
            #expect(stored.succeeded && stored.object["scope"] == "global" && stored.object["expires_at"] == .null)
            #expect(await tools.call("set_memory", ["key": "plan", "value": "session copy", "session_id": .string(session)], token: alice).object["scope"] == "session")
            #expect(await tools.call("get_memory", ["key": "plan"], token: alice).object["value"] == ["steps": [1, 2]])
            #expect(await tools.call("get_memory", ["key": "plan", "session_id": .string(session)], token: alice).object["value"] == "session copy")
            #expect(await tools.call("get_memory", ["key": "plan"], token: bob).code == "MEMORY_NOT_FOUND")
            #expect(await tools.call("set_memory", ["key": "n", "value": 3.5], token: alice).succeeded)
            #expect(await tools.call("get_memory", ["key": "n"], token: alice).object["value"] == 3.5)
        }
    }

    @Test("set_memory refuses bad keys, empty or missing sessions, closed sessions, huge values and bad TTLs; nothing is stored")
    func refusals() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let reader = await tools.token("reader", "wizard")
            let set: (JSONObject) async -> ToolHarness.Reply = { extra in
                var arguments: JSONObject = ["key": "k", "value": 1]
                arguments.merge(extra) { $1 }
                return await tools.call("set_memory", arguments, token: alice)
            }
            #expect(await set(["key": "has space"]).code == "INVALID_KEY")
            #expect(await set(["key": "   "]).code == "INVALID_KEY")
            #expect(await set(["key": .string(String(repeating: "k", count: 256))]).validationMessage != nil)
            #expect(await set(["session_id": ""]).code == "SESSION_NOT_FOUND")
            #expect(await set(["session_id": "session_0000000000000000"]).code == "SESSION_NOT_FOUND")
            #expect(await set(["value": .string(String(repeating: "v", count: 1 << 20))]).code == "MEMORY_LIMIT_EXCEEDED")
            #expect(await set(["expires_in": -1]).code == "INVALID_TTL_VALUE")
            #expect(await set(["expires_in": 31_536_001]).code == "INVALID_TTL_VALUE")
            #expect(await set(["expires_in": "soon"]).code == "INVALID_TTL_FORMAT")
            #expect(await set(["expires_in": 1e300]).validationMessage != nil)
            #expect(await tools.call("set_memory", ["key": "k", "value": 1], token: reader).code == "PERMISSION_DENIED")
            #expect(await tools.call("list_memory", ["session_id": "all"], token: alice).object["count"] == 0)
        }
    }

    @Test("overwrite false: KEY_EXISTS while the entry lives; a TTL expires the entry on read (and frees the key)")
    func overwriteAndTTL() async throws {
        let clock = ManualClock()
        try await withTools(clock: clock) { tools in
            let alice = await tools.token("alice")
            let timed = await tools.call("set_memory", ["key": "lease", "value": "first", "expires_in": "60"], token: alice)
            #expect(timed.object["expires_at"]?.doubleValue == clock.now() + 60)
            #expect(await tools.call("set_memory", ["key": "lease", "value": "second", "overwrite": false], token: alice).code == "KEY_EXISTS")
            #expect(await tools.call("get_memory", ["key": "lease"], token: alice).object["value"] == "first")
            clock.advance(by: 61)
            #expect(await tools.call("get_memory", ["key": "lease"], token: alice).code == "MEMORY_NOT_FOUND")
            #expect(await tools.call("set_memory", ["key": "lease", "value": "second", "overwrite": false], token: alice).succeeded)
            #expect(await tools.call("set_memory", ["key": "forever", "value": 1, "expires_in": 0], token: alice).object["expires_at"] == .null)
        }
    }

    @Test("list_memory: keys without values, by scope (global, one session, all), literal prefix, limit; delete_memory")
    func listAndDelete() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            for key in ["a_1", "a_2", "a%3", "b_1"] { _ = await tools.call("set_memory", ["key": .string(key), "value": "secret value"], token: alice) }
            _ = await tools.call("set_memory", ["key": "s", "value": 1, "session_id": .string(session)], token: alice)
            _ = await tools.call("set_memory", ["key": "bobs", "value": 1], token: bob)
            let keys = { (reply: ToolHarness.Reply) in Set((reply.object["entries"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }) }
            let global = await tools.call("list_memory", token: alice)
            #expect(keys(global) == ["a_1", "a_2", "a%3", "b_1"])
            #expect(global.object["entries"]?[0]?["value"] == nil && global.object["entries"]?[0]?["value_size"] == 14)
            #expect(keys(await tools.call("list_memory", ["session_id": .string(session)], token: alice)) == ["s"])
            #expect(await tools.call("list_memory", ["session_id": "all"], token: alice).object["count"] == 5)
            #expect(keys(await tools.call("list_memory", ["prefix": "a_"], token: alice)) == ["a_1", "a_2"])
            #expect(keys(await tools.call("list_memory", ["prefix": "A"], token: alice)) == [])
            #expect(await tools.call("list_memory", ["limit": 2], token: alice).object["count"] == 2)
            #expect(await tools.call("list_memory", ["limit": 201], token: alice).validationMessage != nil)
            #expect(keys(await tools.call("list_memory", token: bob)) == ["bobs"])
            #expect(await tools.call("delete_memory", ["key": "a_1"], token: bob).code == "MEMORY_NOT_FOUND")
            #expect(await tools.call("delete_memory", ["key": "a_1"], token: alice).object["deleted"] == true)
            #expect(await tools.call("delete_memory", ["key": "a_1"], token: alice).code == "MEMORY_NOT_FOUND")
            #expect(await tools.call("delete_memory", ["key": "s", "session_id": .string(session)], token: alice).succeeded)
            #expect(keys(await tools.call("list_memory", ["session_id": "all"], token: alice)) == ["a_2", "a%3", "b_1"])
        }
    }
}
