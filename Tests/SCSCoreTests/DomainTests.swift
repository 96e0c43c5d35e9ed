import SCSCore
import Testing
import OrderedCollections

@Suite("Domain types")
struct DomainTests {
    @Test("the error envelope keeps the Python key order and omits empty parts")
    func envelope() {
        let envelope = SCSError.sessionNotFound("session_0123456789abcdef").envelope(timestamp: "T")
        #expect(Array(envelope.keys) == [
            "success", "error", "code", "severity", "recoverable", "timestamp", "suggestions", "context", "related_resources",
        ])
        #expect(envelope["error"] == "Session 'session_0123456789abcdef' not found")
        #expect(envelope["code"] == "SESSION_NOT_FOUND" && envelope["recoverable"] == true)
        let bare = SCSError(code: .invalidDatetime, message: "Invalid datetime format").envelope(timestamp: "T")
        #expect(Array(bare.keys) == ["success", "error", "code", "severity", "recoverable", "timestamp"])
        let retry = SCSError.workerUnavailable(role: "search", retryAfter: 0).envelope(timestamp: "T")
        #expect(retry["retry_after"] == 1 && retry["code"] == "WORKER_UNAVAILABLE")
        #expect(SCSError.system(component: "database", operation: "add_message").code.rawValue == "DATABASE_UNAVAILABLE")
    }

    @Test("permission errors report the caller's real permissions")
    func permissionErrors() {
        let error = SCSError.adminRequired([.read, .write])
        #expect(error.context["current_permissions"] == ["read", "write"])
        #expect(error.recoverable == false && error.code == .permissionDenied)
    }

    @Test("visibility rule: agent_only reaches the same agent type, case-insensitively")
    func visibilityRule() {
        let claude = AgentIdentity(agentID: "c2", agentType: "CLAUDE", permissions: [.read])
        #expect(Visibility.agentOnly.isVisible(to: claude, sender: "c1", senderType: "claude"))
        #expect(!Visibility.private.isVisible(to: claude, sender: "c1", senderType: "claude"))
        #expect(!Visibility.adminOnly.isVisible(to: claude, sender: "c2", senderType: "claude"))
        let anonymous = AgentIdentity.anonymous(mcpSessionID: "ab-cd-ef-01-23-45")
        #expect(anonymous.agentID == "agent_abcdef01" && !anonymous.canWrite && !anonymous.authenticated)
        #expect(Visibility(rawValue: "agent_only") == .agentOnly && Visibility(rawValue: "secret") == nil)
    }

    @Test("session ids have the session_ + 16 hex form")
    func sessionIDs() {
        let ids = (0..<200).map { _ in Session.newID() }
        #expect(ids.allSatisfy(Session.isValidID))
        #expect(Set(ids).count == ids.count)
        #expect(!Session.isValidID("session_0123") && !Session.isValidID("session_0123456789ABCDEF"))
    }

    @Test("sanitising drops control characters and trims, like the Python server")
    func sanitize() {
        #expect(TextSanitizer.sanitize("  \u{00}hi\u{07}\tthere\r\n \u{3000}") == "hi\tthere")
        #expect(TextSanitizer.sanitize("\u{01}\u{02} ") == "")
        #expect(TextSanitizer.sanitize("漢字") == "漢字")
    }
}
