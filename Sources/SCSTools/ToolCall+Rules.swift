import SCSCore
import SCSLive
import SCSMCP
import SCSStorage
import OrderedCollections
import Foundation

/// Rules several tools share: metadata bounds, visibility values, parents, live announcements.
extension ToolCall {
    /// Identifiers (agent ids and types, senders, memory keys, session ids) carry no control
    /// characters: one could forge a line in a log or a header (`"evil\r\nX-Injected: 1"`).
    static func checkIdentifiers(_ arguments: JSONObject, _ parameters: [AnyParameter]) throws {
        for parameter in parameters where parameter.isIdentifier {
            guard let text = arguments[parameter.property.name]?.stringValue, TextSanitizer.hasControlCharacter(text) else { continue }
            let name = parameter.property.name
            throw SCSError(
                code: .invalidInput, message: "\(name) must not contain control characters (such as line breaks or tabs)",
                severity: .warning, context: ["field": .string(name), "requirement": "no_control_characters"])
        }
    }

    /// Message and session metadata limits (as the Python server checks them): ≤ 50 keys, keys
    /// ≤ 100 characters, compact JSON ≤ 10,000 characters; `{}` is stored as null.
    static func checked(_ metadata: JSONObject?) throws -> JSONObject? {
        guard let metadata, !metadata.isEmpty else { return nil }
        if metadata.count > 50 { throw SCSError.metadataTooLarge("more than 50 keys") }
        if metadata.keys.contains(where: { $0.unicodeScalars.count > 100 }) { throw SCSError.metadataTooLarge("a key is longer than 100 characters") }
        if JSONValue.object(metadata).compactText.unicodeScalars.count > 10_000 {
            throw SCSError.metadataTooLarge("its JSON is longer than 10,000 characters")
        }
        return metadata
    }

    /// The parent of a reply: a message of the same session that the caller may see. An unknown,
    /// foreign or invisible one gets the same answer, so nothing is revealed.
    func checkParent(_ id: Int64?, sessionID: String, reader: AgentIdentity) async throws {
        guard let id else { return }
        guard let parent = try await env.storage.message(id: id), parent.sessionID == sessionID, parent.isVisible(to: reader) else {
            throw SCSError.invalidParentMessage(id, sessionID: sessionID)
        }
    }

    /// A message the caller may see, else MESSAGE_NOT_FOUND (existence is not revealed).
    func visibleMessage(_ id: Int64, to identity: AgentIdentity) async throws -> Message {
        guard let message = try await env.storage.message(id: id), message.isVisible(to: identity) else {
            throw SCSError.messageNotFound(id)
        }
        return message
    }

    /// Publishes a committed change (long-polls, resource subscribers and WebSockets hear of it).
    func publish(_ event: LiveEvent) {
        env.events.publish(event)
    }

    /// ISO 8601 as Python's `fromisoformat` after `Z` → `+00:00`; naive values are UTC.
    static func parseTime(_ text: String) -> Double? {
        Timestamp.parseISO(text.replacingOccurrences(of: "Z", with: "+00:00"))
    }

    static var invalidDatetime: SCSError {
        SCSError(
            code: .invalidDatetime, message: "Invalid datetime format", severity: .warning,
            suggestions: ["Use ISO 8601, e.g. 2026-01-31T12:00:00Z or 2026-01-31"])
    }
}

extension Visibility {
    /// A visibility value: any string given, `""` included, must be one of the four.
    static func parse(_ raw: String) throws -> Visibility {
        guard let visibility = Visibility(rawValue: raw) else { throw SCSError.invalidVisibility(raw) }
        return visibility
    }

    /// `visibility_filter`, where `""` and null mean no filter (the one place where an empty
    /// string means absent).
    static func parseFilter(_ raw: String?) throws -> Visibility? {
        guard let raw, !raw.isEmpty else { return nil }
        return try parse(raw)
    }
}
