import SCSCore
import SCSLive
import SCSMCP
import OrderedCollections
import SCSStorage

/// `close_session` (its creator or an admin): no more posts or session memory; reads go on.
/// Closing again answers the first `closed_at`.
struct CloseSession: Tool {
    static let name = "close_session"
    static let readOnly = false
    static let summary = "Close a session (its creator or an admin); it stays readable."

    static let parameters = [AnyParameter(Parameters.sessionID), AnyParameter(Parameters.authToken)]

    static func arguments(_ values: ArgumentValues) -> SessionArguments { SessionArguments(values) }

    static func handle(_ arguments: SessionArguments, _ call: ToolCall) async throws -> JSONObject {
        let sessionID = arguments.sessionID
        let identity = try await call.caller(arguments.authToken, on: sessionID)
        let existing = try await call.session(sessionID)
        guard existing.createdBy == identity.agentID || identity.isAdmin else {
            throw SCSError(
                code: .permissionDenied, message: "Only the session's creator or an admin can close it", recoverable: false,
                suggestions: ["Ask the session's creator or an admin to close it"],
                context: ["required_permission": "creator_or_admin", "current_permissions": .array(identity.permissionNames.map(JSONValue.string))])
        }
        let closed = try await call.env.storage.closeSession(id: sessionID, at: call.now)
        if existing.closedAt == nil {
            await call.audit("session_closed", agentID: identity.agentID, sessionID: sessionID)
            call.publish(.sessionClosed(sessionID: sessionID, at: closed.closedAt ?? call.now))
        }
        return ToolJSON.ok(["session_id": .string(sessionID), "closed_at": .string(Timestamp.iso(closed.closedAt ?? call.now))])
    }
}
