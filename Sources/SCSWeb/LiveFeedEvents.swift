public import SCSCore
public import SCSLive
import Foundation
import Logging
import OrderedCollections
import SCSAuth
import SCSStorage

/// The feed's messages, in the Python server's shapes where it has one (`new_message`,
/// `memory_update`, `session_update`) plus ours (`message_visibility_changed`, `session_closed`).
enum LiveFeedEvents {
    /// What `viewer` is sent for `event` (nothing when it may not see it). Payloads that are the
    /// same for many viewers are encoded once per event (`cache`).
    static func payloads(_ event: LiveEvent, for viewer: AgentIdentity, now: Double, cache: inout [String: String]) -> [String] {
        switch event {
        case .messageAdded(let message):
            guard message.isVisible(to: viewer) else { return [] }
            return [cached("new", &cache) { newMessage(message) }]
        case .visibilityChanged(let message, let previous):
            var before = message
            before.visibility = previous
            let was = before.isVisible(to: viewer)
            let now = message.isVisible(to: viewer)
            guard was || now else { return [] }
            let change = cached("change-\(now)", &cache) {
                encode([
                    "type": "message_visibility_changed",
                    "data": [
                        "id": .int(message.id), "session_id": .string(message.sessionID), "visibility": .string(message.visibility.rawValue),
                        "previous_visibility": .string(previous.rawValue), "visible_to_you": .bool(now),
                    ],
                ])
            }
            return was ? [change] : [change, cached("new", &cache) { newMessage(message) }]
        case .memoryChanged(let change):
            // Memory is private to its agent: only that agent and admins hear of it.
            guard case .session(let sessionID) = change.scope, change.agentID == viewer.agentID || viewer.isAdmin else { return [] }
            var data: JSONObject = [
                "agent_id": .string(change.agentID), "key": .string(change.key), "session_id": .string(sessionID), "scope": "session",
                "value": change.entry?.value ?? .null,
            ]
            if let entry = change.entry {
                data["created_at"] = .double(entry.createdAt)
                data["updated_at"] = .string(Timestamp.iso(entry.updatedAt))
                data["expires_at"] = entry.expiresAt.map(JSONValue.double) ?? .null
            } else {
                data[change.kind == .expired ? "expired" : "deleted"] = true
                data["updated_at"] = .string(Timestamp.iso(change.at))
            }
            var out = [encode(["type": "memory_update", "data": .object(data)])]
            if change.kind == .set {
                out.append(encode([
                    "type": "session_update", "session_id": .string(sessionID), "agent_id": .string(change.agentID),
                    "timestamp": .string(Timestamp.iso(change.at)),
                ]))
            }
            return out
        case .sessionClosed(let sessionID, let at):
            return [cached("closed", &cache) {
                encode(["type": "session_closed", "session_id": .string(sessionID), "closed_at": .string(Timestamp.iso(at))])
            }]
        case .tokenRevoked, .loginEnded:
            return []
        }
    }

    static func newMessage(_ message: Message) -> String {
        encode(["type": "new_message", "data": .object(data(message))])
    }

    /// A message as the Python server's `new_message` carries it, plus its parent.
    static func data(_ message: Message) -> JSONObject {
        [
            "id": .int(message.id), "sender": .string(message.sender), "sender_type": .string(message.senderType),
            "content": .string(message.content), "visibility": .string(message.visibility.rawValue),
            "timestamp": .string(Timestamp.iso(message.timestamp)), "metadata": .object(message.metadata ?? [:]),
            "parent_message_id": message.parentMessageID.map(JSONValue.int) ?? .null,
        ]
    }

    static func cached(_ key: String, _ cache: inout [String: String], _ make: () -> String) -> String {
        if let hit = cache[key] { return hit }
        let value = make()
        cache[key] = value
        return value
    }

    static func encode(_ object: JSONObject) -> String { JSONValue.object(object).compactText }
}

extension LiveFeed {
    /// The live feed of the dashboard: its payloads are `LiveFeedEvents`'.
    public static func dashboard(clock: any WallClock) -> LiveFeed {
        LiveFeed(clock: clock) { event, viewer, now, cache in LiveFeedEvents.payloads(event, for: viewer, now: now, cache: &cache) }
    }
}
