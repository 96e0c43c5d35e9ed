import SCSCore
import SCSStorage
import OrderedCollections

/// `create_session` (needs write); the session row and its audit row commit together.
struct CreateSession: Tool {
    static let name = "create_session"
    static let readOnly = false
    static let summary = "Create a shared session for agents to collaborate in (needs write)."

    static let purpose = Parameter<String>.text("purpose", "What the session is for (at most 10,000 characters).", maxLength: Limits.purposeLength)
    static let metadata = Parameter<JSONObject?>.object(
        "metadata", "Optional JSON object stored with the session.", example: ["test": true, "version": 1])
    static let parameters = [AnyParameter(purpose), AnyParameter(metadata), AnyParameter(Parameters.authToken)]

    struct Arguments: Sendable {
        var purpose: String
        var metadata: JSONObject?
        var authToken: String?
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(purpose: values[purpose], metadata: values[metadata], authToken: values[Parameters.authToken])
    }

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let identity = try await call.caller(arguments.authToken)
        try call.charge(.session, identity)
        try call.requireWrite(identity)
        let purpose = TextSanitizer.sanitize(arguments.purpose)
        guard !purpose.isEmpty else { throw SCSError.emptyAfterSanitization(field: "purpose") }
        let new = NewSession(purpose: purpose, createdBy: identity.agentID, metadata: try ToolCall.checked(arguments.metadata), createdAt: call.now)
        let session = try await call.env.storage.createSession(new, audit: call.auditEvent(
            "session_created", agentID: identity.agentID, sessionID: new.id, ["purpose": .string(String(purpose.prefix(200)))]))
        await call.env.activity.record(sessionID: session.id, agent: identity, at: call.now)
        return ToolJSON.ok([
            "session_id": .string(session.id), "created_by": .string(identity.agentID),
            "created_at": .string(Timestamp.iso(session.createdAt)),
        ])
    }
}
