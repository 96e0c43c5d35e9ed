import SCSCore
import SCSMCP
import SCSStorage

/// create_session, get_session, list_sessions, close_session.
extension ToolCall {
    /// Message and session metadata limits (as the Python server checks them): ≤ 50 keys, keys ≤ 100
    /// characters, compact JSON ≤ 10,000 characters; `{}` is stored as null.
    func metadata() throws -> JSONObject? {
        guard let metadata = invocation.object("metadata"), !metadata.isEmpty else { return nil }
        if metadata.count > 50 { throw SCSError.metadataTooLarge("more than 50 keys") }
        if metadata.keys.contains(where: { $0.unicodeScalars.count > 100 }) { throw SCSError.metadataTooLarge("a key is longer than 100 characters") }
        if JSONValue.object(metadata).compactText.unicodeScalars.count > 10_000 {
            throw SCSError.metadataTooLarge("its JSON is longer than 10,000 characters")
        }
        return metadata
    }

    func createSession() async -> JSONObject {
        await run("database", "create_session") {
            let identity = try await caller()
            try requireWrite(identity)
            let purpose = TextSanitizer.sanitize(string("purpose") ?? "")
            guard !purpose.isEmpty else { throw SCSError.emptyAfterSanitization(field: "purpose") }
            let new = NewSession(purpose: purpose, createdBy: identity.agentID, metadata: try metadata(), createdAt: now)
            let session = try await env.storage.createSession(new, audit: auditEvent(
                "session_created", agentID: identity.agentID, sessionID: new.id, ["purpose": .string(String(purpose.prefix(200)))]))
            await env.activity.record(sessionID: session.id, agent: identity, at: now)
            return ToolJSON.ok([
                "session_id": .string(session.id), "created_by": .string(identity.agentID),
                "created_at": .string(Timestamp.iso(session.createdAt)),
            ])
        }
    }

    func getSession() async -> JSONObject {
        await run("database", "get_session") {
            let sessionID = string("session_id") ?? ""
            let identity = try await caller(on: sessionID)
            let session = try await session(sessionID)
            let page = try await env.storage.messages(
                MessageQuery(sessionID: sessionID, order: .descending, limit: 50, maxBytes: env.resultBudget), reader: identity)
            return ToolJSON.ok(ToolJSON.marked([
                "session": .object(ToolJSON.session(session)),
                "messages": ToolJSON.messages(page.messages),
                "message_count": .int(Int64(page.messages.count)),
            ], truncated: page.truncated))
        }
    }

    func listSessions() async -> JSONObject {
        await run("database", "list_sessions") {
            let identity = try await caller()
            let limit = int("limit") ?? 50
            let offset = int("offset") ?? 0
            let page = try await env.storage.listSessions(
                SessionListQuery(activeOnly: invocation.bool("active_only") ?? true, createdBy: optional("created_by"), limit: limit, offset: offset),
                reader: identity)
            let sessions: [JSONValue] = page.sessions.map { summary in
                var row = ToolJSON.session(summary.session)
                row["message_count"] = .int(Int64(summary.messageCount))
                row["last_activity"] = .double(summary.lastActivity)
                return .object(row)
            }
            return ToolJSON.ok([
                "sessions": .array(sessions), "count": .int(Int64(sessions.count)), "total_count": .int(Int64(page.totalCount)),
                "has_more": .bool(offset + sessions.count < page.totalCount),
            ])
        }
    }

    func closeSession() async -> JSONObject {
        await run("database", "close_session") {
            let sessionID = string("session_id") ?? ""
            let identity = try await caller(on: sessionID)
            let existing = try await session(sessionID)
            guard existing.createdBy == identity.agentID || identity.isAdmin else {
                throw SCSError(
                    code: .permissionDenied, message: "Only the session's creator or an admin can close it", recoverable: false,
                    suggestions: ["Ask the session's creator or an admin to close it"],
                    context: ["required_permission": "creator_or_admin", "current_permissions": .array(identity.permissionNames.map(JSONValue.string))])
            }
            let closed = try await env.storage.closeSession(id: sessionID, at: now)
            if existing.closedAt == nil {
                await audit("session_closed", agentID: identity.agentID, sessionID: sessionID)
                env.hub.resourcesChanged { uri, _ in uri == "session://\(sessionID)" }
            }
            return ToolJSON.ok(["session_id": .string(sessionID), "closed_at": .string(Timestamp.iso(closed.closedAt ?? now))])
        }
    }
}
