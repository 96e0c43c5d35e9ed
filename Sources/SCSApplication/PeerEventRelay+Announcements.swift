import SCSCore
import SCSLive
import SCSTools
import SCSMCP
import SCSAuth
import SCSStorage

/// The announcement of each live event: its kind and the ids to read it back by, never its
/// content (a message's text, a memory value), so nothing private passes through NOTIFY and an
/// announcement stays far below PostgreSQL's 8,000-byte bound.
extension PeerEventRelay {
    static func announcement(of event: LiveEvent) -> JSONValue? {
        switch event {
        case .messageAdded(let message):
            ["kind": "message", "session": .string(message.sessionID), "id": .int(message.id)]
        case .visibilityChanged(let message, let previous):
            ["kind": "visibility", "session": .string(message.sessionID), "id": .int(message.id), "previous": .string(previous.rawValue)]
        case .memoryChanged(let change):
            [
                "kind": "memory", "change": .string(change.kind.rawValue), "agent": .string(change.agentID), "key": .string(change.key),
                "session": change.scope.sessionID.map(JSONValue.string) ?? .null, "at": .double(change.at),
            ]
        case .sessionClosed(let sessionID, let at):
            ["kind": "closed", "session": .string(sessionID), "at": .double(at)]
        case .tokenRevoked(let digest):
            ["kind": "revoked", "digest": .string(digest)]
        case .loginEnded(let id):
            ["kind": "logout", "id": .string(id)]
        }
    }

    /// The event an announcement names, read back from the database; nil for an announcement
    /// this build does not know or whose subject is gone (a message deleted, an entry overwritten).
    func liveEvent(from item: JSONValue) async throws -> LiveEvent? {
        switch item["kind"]?.stringValue {
        case "message":
            guard let message = try await message(item) else { return nil }
            return .messageAdded(message)
        case "visibility":
            guard let previous = item["previous"]?.stringValue.flatMap(Visibility.init(rawValue:)),
                  let message = try await message(item)
            else { return nil }
            return .visibilityChanged(message, previous: previous)
        case "memory":
            guard let kind = item["change"]?.stringValue.flatMap(MemoryChange.Kind.init(rawValue:)),
                  let agentID = item["agent"]?.stringValue, let key = item["key"]?.stringValue
            else { return nil }
            let scope = MemoryScope(sessionID: item["session"]?.stringValue)
            let at = item["at"]?.doubleValue ?? clock.now()
            // Read back like messages: a set names an entry that exists, a deletion one that does not.
            let entry = try await storage.memory(agentID: agentID, key: key, scope: scope, now: clock.now())
            guard (kind == .set) == (entry != nil) else { return nil }
            return .memoryChanged(MemoryChange(kind: kind, agentID: agentID, key: key, scope: scope, entry: kind == .set ? entry : nil, at: at))
        case "closed":
            guard let sessionID = item["session"]?.stringValue, let session = try await storage.session(id: sessionID),
                let closedAt = session.closedAt
            else { return nil }
            return .sessionClosed(sessionID: sessionID, at: closedAt)
        case "revoked":
            // Only a token that is really gone closes sockets here.
            guard let digest = item["digest"]?.stringValue, try await storage.token(id: digest) == nil else { return nil }
            return .tokenRevoked(digest: digest)
        case "logout":
            guard let id = item["id"]?.stringValue, try await storage.dashboardLogin(id: id, now: clock.now()) == nil else { return nil }
            return .loginEnded(id: id)
        case "refreshed":
            if let digest = item["digest"]?.stringValue { tokens.forget(digest: digest) }
            return nil
        case "mcp_session":
            if let id = item["id"]?.stringValue { mcpSessions?.forget(id) }
            return nil
        default:
            return nil
        }
    }

    /// The message an announcement names, when it is still in the session it names.
    func message(_ item: JSONValue) async throws -> Message? {
        guard let id = item["id"]?.intValue, let sessionID = item["session"]?.stringValue,
              let message = try await storage.message(id: id), message.sessionID == sessionID
        else { return nil }
        return message
    }
}
