import SCSCore
import SCSStorage
import SCSTesting
import Testing
import SCSTools
import OrderedCollections

@Suite("Tools: get_usage_guidance, get_performance_metrics, get_audit_log")
struct AdminToolTests {
    @Test("get_usage_guidance: the caller's access level; an unknown type is INVALID_GUIDANCE_TYPE")
    func guidance() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let admin = await tools.token("root", "admin")
            #expect(await tools.call("get_usage_guidance", token: alice).object["access_level"] == "AGENT")
            #expect(await tools.call("get_usage_guidance", token: admin).object["access_level"] == "ADMIN")
            #expect(await tools.call("get_usage_guidance", ["guidance_type": "nonsense"], token: alice).code == "INVALID_GUIDANCE_TYPE")
            for type in ["operations", "coordination", "security", "troubleshooting"] {
                #expect(await tools.call("get_usage_guidance", ["guidance_type": .string(type)], token: alice).succeeded, "\(type)")
            }
        }
    }

    @Test("get_performance_metrics: admin only; counts every tool call and its errors")
    func metrics() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            let admin = await tools.token("root", "admin")
            let session = await tools.session(alice)
            await tools.post(alice, session, "one")
            _ = await tools.call("get_session", ["session_id": "session_0000000000000000"], token: alice)
            #expect(await tools.call("get_performance_metrics", token: alice).code == "PERMISSION_DENIED")
            let report = await tools.call("get_performance_metrics", token: admin)
            #expect(report.succeeded)
            let perTool = try #require(report.object["tools"]?.objectValue)
            #expect(perTool["add_message"]?["calls"] == 1)
            #expect(perTool["get_session"]?["errors"] == 1)
            #expect(perTool["authenticate_agent"]?["calls"] == 2)
            #expect(report.object["database"]?["backend"] == "sqlite")
        }
    }

    @Test("audit rows written after the answer: all of them are stored, in order, once the writer drains")
    func auditAfterTheAnswerDrains() async throws {
        try await withTools { tools in
            let alice = await tools.token("alice")
            for number in 0..<40 {
                #expect(await tools.call("get_usage_guidance", ["guidance_type": number.isMultiple(of: 2) ? "operations" : "security"], token: alice).succeeded)
            }
            await tools.environment.audit.drain()
            let rows = try await tools.environment.storage.auditEvents(AuditQuery(eventType: "usage_guidance_accessed", limit: 1_000))
            #expect(rows.count == 40)
            let types = rows.reversed().compactMap { $0.metadata?["guidance_type"]?.stringValue }
            #expect(types == (0..<40).map { $0.isMultiple(of: 2) ? "operations" : "security" })
            // After the drain a row is dropped, never written into a closing database.
            #expect(await tools.call("get_usage_guidance", token: alice).succeeded)
        }
    }

    @Test("get_audit_log: admin only, newest first, filtered by agent, session, event type and time")
    func audit() async throws {
        let clock = ManualClock()
        try await withTools(clock: clock) { tools in
            let alice = await tools.token("alice")
            let admin = await tools.token("root", "admin")
            let session = await tools.session(alice)
            clock.advance(by: 100)
            let later = clock.now()
            _ = await tools.call("close_session", ["session_id": .string(session)], token: alice)
            #expect(await tools.call("get_audit_log", token: alice).code == "PERMISSION_DENIED")
            let types = { (reply: ToolHarness.Reply) in (reply.object["events"]?.arrayValue ?? []).compactMap { $0["event_type"]?.stringValue } }
            let all = await tools.call("get_audit_log", token: admin)
            #expect(types(all).first == "session_closed" && types(all).contains("session_created"))
            #expect(types(await tools.call("get_audit_log", ["session_id": .string(session)], token: admin)) == ["session_closed", "session_created"])
            let byRoot = await tools.call("get_audit_log", ["agent_id": "root"], token: admin)
            #expect(!types(byRoot).isEmpty && (byRoot.object["events"]?.arrayValue ?? []).allSatisfy { $0["agent_id"] == "root" }, "\(byRoot.object)")
            #expect(types(await tools.call("get_audit_log", ["event_type": "session_created"], token: admin)) == ["session_created"])
            #expect(types(await tools.call("get_audit_log", ["since": .string(Timestamp.iso(later))], token: admin)) == ["session_closed"])
            #expect(await tools.call("get_audit_log", ["limit": 1], token: admin).object["count"] == 1)
            #expect(await tools.call("get_audit_log", ["since": "last week"], token: admin).code == "INVALID_DATETIME")
            #expect(await tools.call("get_audit_log", ["limit": 1_001], token: admin).validationMessage != nil)
        }
    }
}
