import SCSCore
import SCSMCP
import SCSStorage

/// add_message, get_messages, set_message_visibility, wait_for_messages, get_message_thread.
extension ToolCall {
    /// A visibility value: any string given, `""` included, must be one of the four.
    func visibility(_ name: String) throws -> Visibility? {
        guard let raw = string(name) else { return nil }
        guard let visibility = Visibility(rawValue: raw) else { throw SCSError.invalidVisibility(raw) }
        return visibility
    }

    /// `visibility_filter`, where `""` and null mean no filter (the one place
    /// where an empty string means absent).
    func visibilityFilter(_ name: String) throws -> Visibility? {
        if string(name)?.isEmpty == true { return nil }
        return try visibility(name)
    }

    /// The parent of a reply: a message of the same session that the caller may see. An unknown,
    /// foreign or invisible one gets the same answer, so nothing is revealed.
    func checkParent(_ id: Int64?, sessionID: String, reader: AgentIdentity) async throws {
        guard let id else { return }
        guard let parent = try await env.storage.message(id: id), parent.sessionID == sessionID, parent.isVisible(to: reader) else {
            throw SCSError.invalidParentMessage(id, sessionID: sessionID)
        }
    }

    /// Live updates after a committed change to `message`'s session: long-polls wake, subscribed
    /// MCP sessions that may see the message get `notifications/resources/updated`.
    func announce(_ message: Message) {
        env.events.messageAdded(message.sessionID)
        let base = "session://\(message.sessionID)"
        env.hub.resourcesChanged { uri, subscriber in
            (uri == base || uri.hasPrefix(base + "/messages/")) && message.isVisible(to: subscriber)
        }
    }

    func addMessage() async -> JSONObject {
        await run("database", "add_message") {
            let sessionID = string("session_id") ?? ""
            let identity = try await caller(on: sessionID)
            try requireWrite(identity)
            let visibility = try visibility("visibility") ?? .public
            if visibility == .adminOnly { try requireAdmin(identity) }
            let content = TextSanitizer.sanitize(string("content") ?? "")
            guard !content.isEmpty else { throw SCSError.emptyAfterSanitization(field: "content") }
            let parentID = arguments["parent_message_id"]?.intValue
            let metadata = try metadata()
            try await checkParent(parentID, sessionID: sessionID, reader: identity)
            let message = try await env.storage.appendMessage(NewMessage(
                sessionID: sessionID, sender: identity.agentID, senderType: identity.agentType, content: content,
                visibility: visibility, metadata: metadata, parentMessageID: parentID, timestamp: now)
            ) { message in
                // The audit row commits with the message (one transaction).
                NewAuditEvent(
                    eventType: "message_added", agentID: message.sender, sessionID: message.sessionID,
                    metadata: ["message_id": .int(message.id), "visibility": .string(message.visibility.rawValue)],
                    timestamp: message.timestamp)
            }
            announce(message)
            return ToolJSON.ok(["message_id": .int(message.id), "timestamp": .string(Timestamp.iso(message.timestamp))])
        }
    }

    func getMessages() async -> JSONObject {
        await run("database", "get_messages") {
            let sessionID = string("session_id") ?? ""
            let identity = try await caller(on: sessionID)
            let filter = try visibilityFilter("visibility_filter")
            let limit = int("limit") ?? 50
            let offset = int("offset") ?? 0
            let page = try await env.storage.messages(
                MessageQuery(
                    sessionID: sessionID, visibility: filter, limit: limit, offset: offset, countTotal: true, maxBytes: env.resultBudget),
                reader: identity)
            let total = page.totalCount ?? page.messages.count
            if total == 0 { _ = try await session(sessionID) }  // only an empty page can mean "no such session"
            // A page cut short by the result budget says so the usual way: the next offset is
            // offset + count (both bounded by the schema, so the sum cannot overflow).
            return ToolJSON.ok([
                "messages": ToolJSON.messages(page.messages), "count": .int(Int64(page.messages.count)),
                "total_count": .int(Int64(total)), "has_more": .bool(offset + page.messages.count < total),
            ])
        }
    }

    /// A message the caller may see, else MESSAGE_NOT_FOUND (existence is not revealed).
    func visibleMessage(_ id: Int64, to identity: AgentIdentity) async throws -> Message {
        guard let message = try await env.storage.message(id: id), message.isVisible(to: identity) else {
            throw SCSError.messageNotFound(id)
        }
        return message
    }

    func setMessageVisibility() async -> JSONObject {
        await run("database", "set_message_visibility") {
            let identity = try await caller()
            let messageID = arguments["message_id"]?.intValue ?? 0
            guard let target = try visibility("visibility") else { throw SCSError.invalidVisibility("") }
            let message = try await visibleMessage(messageID, to: identity)
            await env.activity.record(sessionID: message.sessionID, agent: identity, at: now)
            try requireWrite(identity)
            guard message.sender == identity.agentID || identity.isAdmin else {
                throw SCSError(
                    code: .permissionDenied, message: "Only the message's sender or an admin can change its visibility",
                    recoverable: false, context: ["required_permission": "sender_or_admin"])
            }
            if target == .adminOnly { try requireAdmin(identity) }
            let previous = try await env.storage.setVisibility(messageID: messageID, to: target, at: now)
            var changed = message
            changed.visibility = target
            announce(changed)
            await audit("message_visibility_changed", agentID: identity.agentID, sessionID: message.sessionID, [
                "message_id": .int(messageID), "visibility": .string(target.rawValue), "previous_visibility": .string(previous.rawValue),
            ])
            return ToolJSON.ok([
                "message_id": .int(messageID), "visibility": .string(target.rawValue), "previous_visibility": .string(previous.rawValue),
            ])
        }
    }

    func waitForMessages() async -> JSONObject {
        await run("database", "wait_for_messages") {
            let sessionID = string("session_id") ?? ""
            var identity = try await caller(on: sessionID)
            _ = try await session(sessionID)
            let after = arguments["after_message_id"]?.intValue ?? 0
            let limit = int("limit") ?? 50
            let deadline = now + min(invocation.double("timeout_seconds") ?? 30, env.longestWait)
            let pollKey = identity.agentID
            guard env.events.beginPoll(agent: pollKey) else {
                throw SCSError.limitReached("concurrent wait_for_messages calls for this agent", limit: env.events.maxPollsPerAgent)
            }
            defer { env.events.endPoll(agent: pollKey) }
            while true {
                let seen = env.events.version(sessionID)
                let page = try await env.storage.messages(
                    MessageQuery(sessionID: sessionID, afterID: after, order: .ascending, limit: limit, maxBytes: env.resultBudget),
                    reader: identity)
                let remaining = deadline - now
                if !page.messages.isEmpty || remaining <= 0 || Task.isCancelled {
                    return ToolJSON.ok(ToolJSON.marked([
                        "messages": ToolJSON.messages(page.messages), "count": .int(Int64(page.messages.count)),
                        "last_message_id": .int(page.messages.last?.id ?? after), "timed_out": .bool(page.messages.isEmpty),
                    ], truncated: page.truncated))
                }
                await env.events.wait(sessionID, seen: seen, timeout: remaining)
                // A token revoked (or expired) while the call waited ends it now.
                identity = try await caller()
            }
        }
    }

    func getMessageThread() async -> JSONObject {
        await run("database", "get_message_thread") {
            let identity = try await caller()
            let start = try await visibleMessage(arguments["message_id"]?.intValue ?? 0, to: identity)
            await env.activity.record(sessionID: start.sessionID, agent: identity, at: now)
            var root = start
            while let parentID = root.parentMessageID, let parent = try await env.storage.message(id: parentID) { root = parent }
            var inThread: Set<Int64> = [root.id]
            var thread: [Message] = [root]
            var cursor = root.id
            // The thread's messages are kept only while they fit the result budget; the scan for
            // descendants goes on (ids only) so the count of what was left out is right.
            var budget = env.resultBudget - root.estimatedJSONBytes
            var truncated = false
            while true {
                let batch = try await env.storage.allMessages(sessionID: root.sessionID, afterID: cursor, limit: 500)
                for message in batch where message.parentMessageID.map(inThread.contains) == true {
                    inThread.insert(message.id)
                    guard message.isVisible(to: identity) else { continue }
                    budget -= message.estimatedJSONBytes
                    if budget < 0 { truncated = true } else { thread.append(message) }
                }
                guard let last = batch.last, batch.count == 500 else { break }
                cursor = last.id
            }
            // Replies were kept only when visible; the root may not be.
            let visible = root.isVisible(to: identity) ? thread : Array(thread.dropFirst())
            return ToolJSON.ok(ToolJSON.marked([
                "root": root.isVisible(to: identity) ? ToolJSON.message(root) : .null,
                "messages": ToolJSON.messages(visible), "count": .int(Int64(visible.count)),
            ], truncated: truncated))
        }
    }
}
