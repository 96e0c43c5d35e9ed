import GRDB
public import SCSCore
public import SCSStorage
import OrderedCollections

extension SQLiteStorage {
    public func appendMessage(_ new: NewMessage) async throws -> Message {
        try await appendMessage(new, auditEvent: nil)
    }

    public func appendMessage(_ new: NewMessage, audit: @escaping @Sendable (Message) -> NewAuditEvent) async throws -> Message {
        try await appendMessage(new, auditEvent: audit)
    }

    func appendMessage(_ new: NewMessage, auditEvent: (@Sendable (Message) -> NewAuditEvent)?) async throws -> Message {
        let metadata = try new.validatedMetadata()
        return try await coalescedWrite { db in
            let message = try Self.insertMessage(db, new, metadata: metadata)
            if let auditEvent { try Self.insertAudit(db, auditEvent(message)) }
            return message
        }
    }

    static func insertMessage(_ db: Database, _ new: NewMessage, metadata: JSONObject?) throws -> Message {
        let sessionRow = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT closed_at FROM sessions WHERE id = ?"), arguments: [new.sessionID]
        )
        guard let sessionRow else { throw SCSError.sessionNotFound(new.sessionID) }
        guard SQLiteRow.time(sessionRow[0]) == nil else { throw SCSError.sessionClosed(new.sessionID) }
        if let parent = new.parentMessageID {
            let parentSession = try String.fetchOne(
                db.cachedStatement(sql: "SELECT session_id FROM messages WHERE id = ?"), arguments: [parent]
            )
            guard parentSession == new.sessionID else {
                throw SCSError.invalidParentMessage(parent, sessionID: new.sessionID)
            }
        }
        let last = try DatabaseValue.fetchOne(
            db.cachedStatement(sql: "SELECT timestamp FROM messages ORDER BY id DESC LIMIT 1")
        ).flatMap(SQLiteRow.time)
        let timestamp = max(new.timestamp, last ?? new.timestamp)
        try db.cachedStatement(
            sql: """
                INSERT INTO messages (session_id, sender, sender_type, content, visibility, message_type, metadata, timestamp, parent_message_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            new.sessionID, new.sender, new.senderType, new.content, new.visibility.rawValue, Message.defaultType,
            StoredJSON.text(metadata), timestamp, new.parentMessageID,
        ])
        return Message(
            id: db.lastInsertedRowID, sessionID: new.sessionID, sender: new.sender, senderType: new.senderType,
            content: new.content, visibility: new.visibility, metadata: metadata, timestamp: timestamp,
            parentMessageID: new.parentMessageID
        )
    }

    public func message(id: Int64) async throws -> Message? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(SQLiteRow.messageColumns) FROM messages WHERE id = ?"), arguments: [id]
            ).map(SQLiteRow.message)
        }
    }

    public func messages(_ query: MessageQuery, reader: AgentIdentity) async throws -> MessagePage {
        try await read { db in
            let page = MessageRules.page(query, reader: reader).sqlite
            var cut = false
            let messages = try SQLiteRow.messages(
                db.cachedStatement(sql: "SELECT \(SQLiteRow.messageColumns) FROM messages \(page.sql)"),
                arguments: page.arguments, maxBytes: query.maxBytes, cut: &cut)
            var total: Int?
            if query.countTotal {
                if query.offset == 0 && messages.count < query.limit && !cut {
                    total = messages.count  // the page holds them all
                } else {
                    let count = MessageRules.count(query, reader: reader).sqlite
                    total = try Int.fetchOne(db.cachedStatement(sql: count.sql), arguments: count.arguments)
                }
            }
            return MessagePage(messages: messages, totalCount: total, truncated: cut)
        }
    }

    public func allMessages(sessionID: String, afterID: Int64, limit: Int) async throws -> [Message] {
        try await scan { db in
            try SQLiteRow.messages(
                db.cachedStatement(
                    sql: "SELECT \(SQLiteRow.messageColumns) FROM messages WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?"
                ),
                arguments: [sessionID, afterID, limit]
            )
        }
    }

    public func setVisibility(messageID: Int64, to visibility: Visibility, at time: Double) async throws -> Visibility {
        try await write { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT visibility, session_id FROM messages WHERE id = ?"), arguments: [messageID]
            ), let previous = Visibility(rawValue: SQLiteRow.string(row[0]) ?? ""), let sessionID = SQLiteRow.string(row[1])
            else { throw SCSError.messageNotFound(messageID) }
            try db.execute(sql: "UPDATE messages SET visibility = ? WHERE id = ?", arguments: [visibility.rawValue, messageID])
            try db.execute(
                sql: "INSERT INTO message_changes (message_id, session_id, changed_at) VALUES (?, ?, ?)",
                arguments: [messageID, sessionID, time]
            )
            return previous
        }
    }

    public func searchDelta(sessionID: String, afterMessageID: Int64, afterChangeID: Int64, limit: Int) async throws -> SearchDelta {
        try await scan { db in
            let messages = try SQLiteRow.messages(
                db.cachedStatement(
                    sql: "SELECT \(SQLiteRow.messageColumns) FROM messages WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?"
                ),
                arguments: [sessionID, afterMessageID, limit]
            )
            let lastChange = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT MAX(id) FROM message_changes WHERE session_id = ?"), arguments: [sessionID]
            ) ?? afterChangeID
            var changed: [Message] = []
            if lastChange > afterChangeID {
                changed = try SQLiteRow.messages(
                    db.cachedStatement(
                        sql: """
                            SELECT \(SQLiteRow.messageColumns) FROM messages WHERE id IN
                            (SELECT message_id FROM message_changes WHERE session_id = ? AND id > ?)
                            """
                    ),
                    arguments: [sessionID, afterChangeID]
                )
            }
            return SearchDelta(messages: messages, changed: changed, lastChangeID: max(lastChange, afterChangeID))
        }
    }
}
