import Foundation
import SCSCore
import SCSLive
import SCSTools
import SCSTesting
import Testing
import OrderedCollections

@Suite("Tools: add_message, get_messages, set_message_visibility, wait_for_messages, get_message_thread")
struct MessageToolTests {
    @Test("add_message: write permission, visibility parsed (\"\" refused), content and metadata capped, parent must be visible")
    func add() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let reader = await tools.token("reader", "wizard")
            let session = await tools.session(alice)
            let post: (String, JSONObject) async -> ToolHarness.Reply = { token, extra in
                var arguments: JSONObject = ["session_id": .string(session), "content": "hello"]
                arguments.merge(extra) { $1 }
                return await tools.call("add_message", arguments, token: token)
            }
            let first = await post(alice, [:])
            #expect(first.succeeded && (first.int("message_id") ?? 0) > 0)
            #expect(await post(reader, [:]).code == "PERMISSION_DENIED")
            #expect(await post(alice, ["visibility": ""]).code == "INVALID_VISIBILITY")
            #expect(await post(alice, ["visibility": "secret"]).code == "INVALID_VISIBILITY")
            #expect(await post(alice, ["content": .string(String(repeating: "€", count: 100_001))]).code == "CONTENT_TOO_LARGE")
            #expect(await post(alice, ["metadata": ["x": .string(String(repeating: "m", count: 20_000))]]).code == "METADATA_TOO_LARGE")
            let hidden = await tools.post(alice, session, "mine", visibility: "private")
            let missing = await post(bob, ["parent_message_id": 999_999])
            let invisible = await post(bob, ["parent_message_id": .int(hidden)])
            #expect(missing.code == "INVALID_PARENT_MESSAGE" && invisible.code == "INVALID_PARENT_MESSAGE")
            let shape = { (reply: ToolHarness.Reply, id: Int64) in
                var object = reply.object
                object["error"] = object["error"]?.stringValue.map { .string($0.replacingOccurrences(of: "message \(id) ", with: "message N ")) }
                if case .object(var context)? = object["context"] {
                    context["parent_message_id"] = 0
                    object["context"] = .object(context)
                }
                object.removeValue(forKey: "timestamp")
                return JSONValue.object(object).compactText
            }
            #expect(shape(missing, 999_999) == shape(invisible, hidden), "refusing an invisible parent must not reveal it exists")
            let other = await tools.session(bob)
            #expect(await post(bob, ["session_id": .string(other), "parent_message_id": first.object["message_id"]!]).code == "INVALID_PARENT_MESSAGE")
            #expect(await post(alice, ["parent_message_id": .int(hidden)]).succeeded)
            #expect(await post(alice, ["parent_message_id": 9_007_199_254_740_992]).validationMessage != nil)
            #expect(await post(alice, ["session_id": "session_0000000000000000"]).code == "SESSION_NOT_FOUND")
        }
    }

    @Test("get_messages: oldest first, visibility per reader, filter narrows only, paging and the byte budget say has_more")
    func get() async throws {
        try await withTools(resultBudget: 4_000) { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let twin = await tools.token("twin", "gemini")
            let admin = await tools.token("root", "admin")
            let session = await tools.session(alice)
            let open = await tools.post(alice, session, "public")
            let mine = await tools.post(alice, session, "private", visibility: "private")
            let clan = await tools.post(bob, session, "gemini only", visibility: "agent_only")
            let top = await tools.post(admin, session, "admins", visibility: "admin_only")
            let read: (String, JSONObject) async -> ToolHarness.Reply = { token, extra in
                var arguments: JSONObject = ["session_id": .string(session)]
                arguments.merge(extra) { $1 }
                return await tools.call("get_messages", arguments, token: token)
            }
            #expect(await read(alice, [:]).messageIDs == [open, mine])
            #expect(await read(twin, [:]).messageIDs == [open, clan])
            #expect(await read(admin, [:]).messageIDs == [open, mine, clan, top])
            #expect(await read(bob, ["visibility_filter": "admin_only"]).messageIDs == [])
            #expect(await read(bob, ["visibility_filter": ""]).messageIDs == [open, clan])
            #expect(await read(bob, ["visibility_filter": "bogus"]).code == "INVALID_VISIBILITY")
            let paged = await read(admin, ["limit": 2, "offset": 1])
            #expect(paged.messageIDs == [mine, clan] && paged.object["has_more"] == true && paged.object["total_count"] == 4)
            #expect(await read(admin, ["offset": 9_223_372_036_854_775_807]).validationMessage != nil)
            #expect(await read(admin, ["limit": 1_001]).validationMessage != nil)
            #expect(await read(admin, ["limit": 1e30]).validationMessage != nil)
            // Large messages: the page stops at the byte budget and says where to go on.
            let big = String(repeating: "b", count: 1_500)
            for _ in 0..<4 { await tools.post(alice, session, big) }
            let budgeted = await read(alice, ["offset": 2, "limit": 10])
            let count = budgeted.messageIDs.count
            #expect(count >= 1 && count < 4 && budgeted.object["has_more"] == true)
            let next = await read(alice, ["offset": .int(Int64(2 + count)), "limit": 10])
            #expect(Set(next.messageIDs).isDisjoint(with: budgeted.messageIDs) && !next.messageIDs.isEmpty)
        }
    }

    @Test("set_message_visibility: the sender or an admin; admin_only needs admin; an invisible message is not found")
    func setVisibility() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let admin = await tools.token("root", "admin")
            let session = await tools.session(alice)
            let message = await tools.post(alice, session, "note")
            let secret = await tools.post(alice, session, "secret", visibility: "private")
            let change: (String, Int64, String) async -> ToolHarness.Reply = { token, id, visibility in
                await tools.call("set_message_visibility", ["message_id": .int(id), "visibility": .string(visibility)], token: token)
            }
            let changed = await change(alice, message, "private")
            #expect(changed.object["previous_visibility"] == "public" && changed.object["visibility"] == "private")
            #expect(await tools.call("get_messages", ["session_id": .string(session)], token: bob).messageIDs == [])
            #expect(await change(bob, secret, "public").code == "MESSAGE_NOT_FOUND")
            #expect(await change(bob, 424_242, "public").code == "MESSAGE_NOT_FOUND")
            let bobs = await tools.post(bob, session, "bob's")
            #expect(await change(alice, bobs, "private").code == "PERMISSION_DENIED")
            #expect(await change(alice, message, "admin_only").code == "PERMISSION_DENIED")
            #expect(await change(alice, message, "").code == "INVALID_VISIBILITY")
            #expect(await change(admin, bobs, "admin_only").succeeded)
            #expect(await tools.call("get_messages", ["session_id": .string(session)], token: bob).messageIDs == [])
        }
    }

    @Test("wait_for_messages: at once when something visible is newer, else a timeout; invisible posts do not end the wait")
    func wait() async throws {
        // Long-polls may last 60 s here: a wake-up that never came could not pass for one.
        try await withTools(longestWait: 60) { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            let first = await tools.post(alice, session, "first")
            let ready = await tools.call("wait_for_messages", ["session_id": .string(session), "timeout_seconds": 5], token: bob)
            #expect(ready.messageIDs == [first] && ready.object["timed_out"] == false)
            let hidden = await tools.post(alice, session, "hidden", visibility: "private")
            let quiet = await tools.call(
                "wait_for_messages", ["session_id": .string(session), "after_message_id": .int(first), "timeout_seconds": 0], token: bob)
            #expect(quiet.messageIDs == [] && quiet.object["timed_out"] == true)
            async let woken = tools.call(
                "wait_for_messages", ["session_id": .string(session), "after_message_id": .int(hidden), "timeout_seconds": 60], token: bob)
            let events = tools.environment.events
            #expect(await events.parked.wait(timeout: 30) { $0 == 1 })
            let late = await tools.post(alice, session, "late")
            // Woken by the message, well before its 60 s bound.
            #expect(await events.parked.wait(timeout: 30) { $0 == 0 })
            let answer = await woken
            #expect(answer.messageIDs == [late] && answer.object["last_message_id"] == .int(late))
            #expect(await tools.call("wait_for_messages", ["session_id": .string(session), "timeout_seconds": 61], token: bob).validationMessage != nil)
        }
    }

    @Test("wait_for_messages: a token revoked while waiting ends the wait with an authentication error")
    func revokedWhileWaiting() async throws {
        try await withTools(longestWait: 60) { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let admin = await tools.token("root", "admin")
            let session = await tools.session(alice)
            async let waited = tools.call("wait_for_messages", ["session_id": .string(session), "timeout_seconds": 60], token: bob)
            let events = tools.environment.events
            #expect(await events.parked.wait(timeout: 30) { $0 == 1 })
            #expect(await tools.call("revoke_token", ["token": .string(bob)], token: admin).succeeded)
            await tools.post(alice, session, "wake")
            // Woken by the message and ended by the revocation, well before its 60 s bound.
            #expect(await events.parked.wait(timeout: 30) { $0 == 0 })
            #expect(await waited.code == "TOKEN_AUTHENTICATION_FAILED")
        }
    }

    @Test("get_message_thread: from any reply the root and every visible message of the thread")
    func thread() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            let root = await tools.post(alice, session, "root")
            let reply = await tools.post(bob, session, "reply", parent: root)
            let hidden = await tools.post(alice, session, "hidden reply", visibility: "private", parent: reply)
            let deep = await tools.post(alice, session, "deep", parent: hidden)
            await tools.post(alice, session, "unrelated")
            let asBob = await tools.call("get_message_thread", ["message_id": .int(reply)], token: bob)
            #expect(asBob.object["root"]?["id"] == .int(root) && asBob.messageIDs == [root, reply, deep])
            let asAlice = await tools.call("get_message_thread", ["message_id": .int(deep)], token: alice)
            #expect(asAlice.messageIDs == [root, reply, hidden, deep])
            #expect(await tools.call("get_message_thread", ["message_id": .int(hidden)], token: bob).code == "MESSAGE_NOT_FOUND")
        }
    }
}
