import SCSCore
import SCSTesting
import SCSTools
import Testing
import OrderedCollections

/// Per-agent quotas through the tools: refusal with `retry_after`, recovery, one agent's flood
/// leaving another untouched.
@Suite("Per-agent quotas")
struct QuotaTests {
    @Test("writes past the bucket are RATE_LIMITED with retry_after; the bucket refills; another agent is unaffected")
    func writes() async throws {
        let clock = ManualClock()
        let tools = try ToolHarness(clock: clock, quotas: QuotaConfiguration(writesPerSecond: 2, searchesPerSecond: 1, sessionsPerHour: 36))
        let alice = await tools.token("alice")
            let bob = await tools.token("bob")
            let session = await tools.session(alice)
            for n in 0..<4 { #expect(await tools.post(alice, session, "burst \(n)") > 0) }  // a burst of twice the rate
            let refused = await tools.call("add_message", ["session_id": .string(session), "content": "one too many"], token: alice)
            #expect(refused.code == "RATE_LIMITED" && refused.object["recoverable"] == true)
            #expect(refused.object["retry_after"] == 1)
            #expect(await tools.post(bob, session, "bob is not alice") > 0)
            clock.advance(by: 0.5)  // one token back
            #expect(await tools.post(alice, session, "after the wait") > 0)
            #expect(await tools.call("add_message", ["session_id": .string(session), "content": "again"], token: alice).code == "RATE_LIMITED")
            // Nothing refused was stored.
            let stored = await tools.call("get_messages", ["session_id": .string(session), "limit": 100], token: alice)
            #expect(stored.object["messages"]?.arrayValue?.count == 6)
            // Searches and sessions have buckets of their own.
            for _ in 0..<2 { #expect(await tools.call("search_context", ["session_id": .string(session), "query": "burst"], token: alice).succeeded) }
            let search = await tools.call("search_context", ["session_id": .string(session), "query": "burst"], token: alice)
            #expect(search.code == "RATE_LIMITED")
            for _ in 0..<2 { #expect(await tools.call("create_session", ["purpose": "more"], token: alice).succeeded) }  // 3 with the first
            let sessions = await tools.call("create_session", ["purpose": "one more"], token: alice)
            #expect(sessions.code == "RATE_LIMITED" && (sessions.object["retry_after"]?.intValue ?? 0) >= 30)
        await tools.remove()
    }
}
