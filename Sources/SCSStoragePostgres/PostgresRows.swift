import OrderedCollections
import PostgresNIO
import SCSCore
import SCSStorage

/// Column lists and row decoding shared by the PostgreSQL driver's queries. Metadata is read as
/// text (`metadata::text`) and parsed like the SQLite driver's, so both give the same values.
enum PostgresRows {
    static let sessionColumns = "id, purpose, created_by, created_at, updated_at, is_active, metadata::text, closed_at"

    static func session(_ row: PostgresRow) throws -> Session {
        let (id, purpose, createdBy, createdAt, updatedAt, isActive, metadata, closedAt) = try row.decode(
            (String, String, String, Double?, Double?, Bool?, String?, Double?).self)
        return Session(
            id: id, purpose: purpose, createdBy: createdBy, createdAt: createdAt ?? 0, updatedAt: updatedAt ?? createdAt ?? 0,
            isActive: isActive ?? true, metadata: StoredJSON.object(metadata), closedAt: closedAt)
    }

    static let messageColumns =
        "id, session_id, sender, sender_type, content, visibility, message_type, metadata::text, timestamp, parent_message_id"

    static func message(_ row: PostgresRow) throws -> Message {
        let random = row.makeRandomAccess()
        guard let visibility = Visibility(rawValue: try random[5].decode(String?.self) ?? "") else {
            throw StorageError(.corruptRow, "unreadable message row")
        }
        return Message(
            id: try random[0].decode(Int64.self), sessionID: try random[1].decode(String.self), sender: try random[2].decode(String.self),
            senderType: try random[3].decode(String?.self) ?? "generic", content: try random[4].decode(String.self), visibility: visibility,
            messageType: try random[6].decode(String?.self) ?? Message.defaultType, metadata: StoredJSON.object(try random[7].decode(String?.self)),
            timestamp: try random[8].decode(Double?.self) ?? 0, parentMessageID: try random[9].decode(Int64?.self))
    }

    static let memoryColumns = "agent_id, session_id, key, value, metadata::text, created_at, updated_at, expires_at"

    /// `memoryColumns` as decoded from a row.
    typealias MemoryFields = (String, String?, String, String, String?, Double?, Double?, Double?)

    static func memory(_ row: PostgresRow) throws -> MemoryEntry {
        memory(try row.decode(MemoryFields.self))
    }

    static func memory(_ fields: MemoryFields) -> MemoryEntry {
        let (agentID, sessionID, key, value, metadata, createdAt, updatedAt, expiresAt) = fields
        return MemoryEntry(
            agentID: agentID, key: key, scope: MemoryScope(sessionID: sessionID), value: StoredJSON.value(value),
            metadata: StoredJSON.object(metadata), createdAt: createdAt ?? 0, updatedAt: updatedAt ?? createdAt ?? 0, expiresAt: expiresAt)
    }

}

/// A statement built piece by piece: SQL text with `$n` placeholders numbered as binds are added.
struct StatementBuilder {
    var sql = ""
    var binds = PostgresBindings()

    /// Appends `value` as the next bind and returns its placeholder.
    mutating func bind(_ value: some PostgresNonThrowingEncodable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind(_ value: (some PostgresNonThrowingEncodable)?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
