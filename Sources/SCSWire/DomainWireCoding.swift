public import SCSCore
import OrderedCollections

extension AgentIdentity: WireCodable {
    public init(wire: JSONValue) throws(WireError) {
        guard let permissions = wire["permissions"]?.arrayValue else {
            throw WireError.protocolError("field permissions must be an array")
        }
        self.init(
            agentID: try wire.string("agent_id"), agentType: try wire.string("agent_type"),
            permissions: permissions.compactMap(\.stringValue).map(Permission.init(rawValue:)),
            authenticated: wire["authenticated"]?.boolValue ?? true
        )
    }

    public var wire: JSONValue {
        [
            "agent_id": .string(agentID), "agent_type": .string(agentType),
            "permissions": .array(permissionNames.map(JSONValue.string)), "authenticated": .bool(authenticated),
        ]
    }
}

extension Message: WireCodable {
    public init(wire: JSONValue) throws(WireError) {
        guard let visibility = Visibility(rawValue: try wire.string("visibility")) else {
            throw WireError.protocolError("field visibility is not a visibility")
        }
        self.init(
            id: try wire.int("id"), sessionID: try wire.string("session_id"), sender: try wire.string("sender"),
            senderType: try wire.string("sender_type"), content: try wire.string("content"), visibility: visibility,
            messageType: wire.optionalString("message_type") ?? Message.defaultType, metadata: wire["metadata"]?.objectValue,
            timestamp: try wire.double("timestamp"), parentMessageID: wire["parent_message_id"]?.intValue
        )
    }

    public var wire: JSONValue {
        [
            "id": .int(id), "session_id": .string(sessionID), "sender": .string(sender), "sender_type": .string(senderType),
            "content": .string(content), "visibility": .string(visibility.rawValue), "message_type": .string(messageType),
            "metadata": metadata.map(JSONValue.object) ?? .null, "timestamp": .double(timestamp),
            "parent_message_id": .int(parentMessageID),
        ]
    }
}

extension MemoryEntry: WireCodable {
    public init(wire: JSONValue) throws(WireError) {
        self.init(
            agentID: try wire.string("agent_id"), key: try wire.string("key"),
            scope: MemoryScope(sessionID: wire.optionalString("session_id")), value: wire["value"] ?? .null,
            metadata: wire["metadata"]?.objectValue, createdAt: try wire.double("created_at"),
            updatedAt: try wire.double("updated_at"), expiresAt: wire["expires_at"]?.doubleValue
        )
        omittedValueSize = wire["value_size"]?.intValue.map { Int($0) }
    }

    /// An entry whose value was left out carries `value_size` instead of `value`.
    public var wire: JSONValue {
        var object: JSONObject = [
            "agent_id": .string(agentID), "key": .string(key), "session_id": .string(scope.sessionID),
            "metadata": metadata.map(JSONValue.object) ?? .null, "created_at": .double(createdAt),
            "updated_at": .double(updatedAt), "expires_at": .double(expiresAt),
        ]
        if let omittedValueSize { object["value_size"] = .int(Int64(omittedValueSize)) } else { object["value"] = value }
        return .object(object)
    }
}

/// A list of wire values under one key.
public struct WireList<Element: WireCodable>: WireCodable {
    public var items: [Element]
    public init(_ items: [Element]) { self.items = items }

    public init(wire: JSONValue) throws(WireError) {
        guard let array = wire["items"]?.arrayValue else { throw WireError.protocolError("field items must be an array") }
        var items: [Element] = []
        for value in array { items.append(try Element(wire: value)) }
        self.items = items
    }

    public var wire: JSONValue { ["items": .array(items.map(\.wire))] }
}
