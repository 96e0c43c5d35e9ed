import SCSCore
import SCSTesting
import Testing
import OrderedCollections

@Suite("Tools: search_context, search_by_sender, search_by_timerange")
struct SearchToolTests {
    @Test("search_context: fuzzy hits best first over visible messages only, threshold, limit, scope and bounds")
    func context() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            let exact = await tools.post(alice, session, "the database migration failed at step three")
            let close = await tools.post(alice, session, "database migrations are slow")
            let secret = await tools.post(alice, session, "private database migration notes", visibility: "private")
            await tools.post(alice, session, "lunch menu: soup")
            let search: (String, JSONObject) async -> ToolHarness.Reply = { token, extra in
                var arguments: JSONObject = ["session_id": .string(session), "query": "database migration"]
                arguments.merge(extra) { $1 }
                return await tools.call("search_context", arguments, token: token)
            }
            let hitIDs = { (reply: ToolHarness.Reply) in (reply.object["results"]?.arrayValue ?? []).compactMap { $0["message"]?["id"]?.intValue } }
            let asBob = await search(bob, [:])
            #expect(Set(hitIDs(asBob)) == [exact, close])
            let scores = (asBob.object["results"]?.arrayValue ?? []).compactMap { $0["score"]?.doubleValue }
            #expect(scores == scores.sorted(by: >) && scores.allSatisfy { $0 >= 60 && $0 <= 100 })
            #expect(asBob.object["results"]?[0]?["relevance"] == "high")
            #expect(Set(hitIDs(await search(alice, [:]))) == [exact, close, secret])
            #expect(hitIDs(await search(alice, ["search_scope": "private"])) == [secret])
            #expect(!hitIDs(await search(alice, ["search_scope": "public"])).contains(secret))
            #expect(hitIDs(await search(alice, ["limit": 1])).count == 1)
            #expect(hitIDs(await search(bob, ["query": "zzzzqqqq", "fuzzy_threshold": 90])).isEmpty)
            #expect(await search(bob, ["query": .string(String(repeating: "q", count: 1_001))]).validationMessage != nil)
            #expect(await search(bob, ["search_scope": "everything"]).validationMessage != nil)
            #expect(await search(bob, ["fuzzy_threshold": 101]).validationMessage != nil)
            #expect(await search(bob, ["session_id": "session_0000000000000000"]).code == "SESSION_NOT_FOUND")
            // A post after the first search is found: the worker's index catches up.
            let later = await tools.post(bob, session, "database migration rolled back")
            #expect(hitIDs(await search(bob, [:])).contains(later))
        }
    }

    @Test("search_by_sender: the sender's messages the caller may see, newest first, within the limit")
    func bySender() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            let one = await tools.post(alice, session, "one")
            await tools.post(alice, session, "hidden", visibility: "private")
            let two = await tools.post(alice, session, "two")
            await tools.post(bob, session, "bob's")
            let search: (JSONObject) async -> ToolHarness.Reply = { extra in
                var arguments: JSONObject = ["session_id": .string(session), "sender": "alice"]
                arguments.merge(extra) { $1 }
                return await tools.call("search_by_sender", arguments, token: bob)
            }
            let found = await search([:])
            #expect(found.messageIDs == [two, one], "\(found.object)")
            #expect(await search(["limit": 1]).messageIDs.count == 1)
            #expect(await search(["sender": "nobody"]).messageIDs == [])
            #expect(await search(["limit": 101]).validationMessage != nil)
            #expect(await search(["sender": .string(String(repeating: "x", count: 101))]).validationMessage != nil)
        }
    }

    @Test("search_by_timerange: inclusive ISO 8601 bounds over visible messages; a bad time is INVALID_DATETIME")
    func byTimerange() async throws {
        let clock = ManualClock()
        try await withTools(clock: clock) { tools in
            let alice = await tools.token("alice")
            let bob = await tools.token("bob", "gemini")
            let session = await tools.session(alice)
            let start = clock.now()
            let early = await tools.post(alice, session, "early")
            clock.advance(by: 600)
            let middle = clock.now()
            let late = await tools.post(alice, session, "late")
            await tools.post(alice, session, "late and hidden", visibility: "private")
            clock.advance(by: 600)
            let range: (Double, Double) async -> ToolHarness.Reply = { from, to in
                await tools.call(
                    "search_by_timerange",
                    ["session_id": .string(session), "start_time": .string(Timestamp.iso(from)), "end_time": .string(Timestamp.iso(to))], token: bob)
            }
            #expect(await range(start, clock.now()).messageIDs == [early, late])
            #expect(await range(middle, clock.now()).messageIDs == [late])
            #expect(await range(start, start + 60).messageIDs == [early])
            let bad = await tools.call(
                "search_by_timerange", ["session_id": .string(session), "start_time": "yesterday", "end_time": "today"], token: bob)
            #expect(bad.code == "INVALID_DATETIME")
            let missing = await tools.call(
                "search_by_timerange",
                ["session_id": "session_0000000000000000", "start_time": .string(Timestamp.iso(start)), "end_time": .string(Timestamp.iso(start))],
                token: bob)
            #expect(missing.code == "SESSION_NOT_FOUND")
        }
    }
}
