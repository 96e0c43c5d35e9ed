import Logging
import OrderedCollections
import PostgresNIO
public import SCSCore
public import SCSStorage

extension PostgresStorage: MessageStore {
    public func appendMessage(_ new: NewMessage) async throws -> Message {
        try await appendMessage(new, auditEvent: nil)
    }

    public func appendMessage(_ new: NewMessage, audit: @escaping @Sendable (Message) -> NewAuditEvent) async throws -> Message {
        try await appendMessage(new, auditEvent: audit)
    }

    /// One transaction: the message, then its audit row. It first takes the session's advisory
    /// lock, so the messages of one session get their ids in commit order on every node: a
    /// reader's catch-up by `id > after` (every reader reads one session) can never pass over a
    /// message that commits later with a smaller id (docs/POSTGRESQL.md, "Message order").
    func appendMessage(_ new: NewMessage, auditEvent: (@Sendable (Message) -> NewAuditEvent)?) async throws -> Message {
        let metadata = try new.validatedMetadata()
        let metadataText = StoredJSON.text(metadata)
        return try await transaction { connection in
            let logger = self.logger
            // One round trip checks the session and takes its lock (only when it exists).
            let session = try await connection.query(
                """
                SELECT closed_at, pg_advisory_xact_lock(\(Self.messageLockClass), hashtext(id))::text FROM sessions
                WHERE id = \(new.sessionID) FOR SHARE
                """, logger: logger).collect()
            guard let row = session.first else { throw SCSError.sessionNotFound(new.sessionID) }
            guard try row.makeRandomAccess()[0].decode(Double?.self) == nil else { throw SCSError.sessionClosed(new.sessionID) }
            if let parent = new.parentMessageID {
                let parentSession = try await connection.query("SELECT session_id FROM messages WHERE id = \(parent)", logger: logger)
                    .collect().first?.decode(String.self)
                guard parentSession == new.sessionID else { throw SCSError.invalidParentMessage(parent, sessionID: new.sessionID) }
            }
            // A statement of its own, after the lock: its snapshot sees the previous holder's
            // message, so timestamps never go back within a session.
            let inserted = try await connection.query(
                """
                INSERT INTO messages (session_id, sender, sender_type, content, visibility, message_type, metadata, timestamp, parent_message_id)
                SELECT \(new.sessionID), \(new.sender), \(new.senderType), \(new.content), \(new.visibility.rawValue), \(Message.defaultType),
                    \(metadataText)::json,
                    GREATEST(\(new.timestamp), COALESCE((SELECT timestamp FROM messages WHERE session_id = \(new.sessionID) ORDER BY id DESC LIMIT 1), \(new.timestamp))),
                    \(new.parentMessageID)
                RETURNING id, timestamp
                """, logger: logger)
            guard let (id, timestamp) = try await inserted.collect().first?.decode((Int64, Double).self) else {
                throw StorageError(.corruptRow, "the insert returned no id")
            }
            let message = Message(
                id: id, sessionID: new.sessionID, sender: new.sender, senderType: new.senderType, content: new.content,
                visibility: new.visibility, metadata: metadata, timestamp: timestamp, parentMessageID: new.parentMessageID)
            if let auditEvent { try await Self.insertAudit(connection, auditEvent(message), logger: logger) }
            return message
        }
    }

    /// The class (first key) of the per-session message locks.
    static let messageLockClass: Int32 = 0x5C5

    public func message(id: Int64) async throws -> Message? {
        try await run("SELECT \(unescaped: PostgresRows.messageColumns) FROM messages WHERE id = \(id)").first.map(PostgresRows.message)
    }

    public func messages(_ query: MessageQuery, reader: AgentIdentity) async throws -> MessagePage {
        var page = StatementBuilder()
        let rest = page.append(MessageRules.page(query, reader: reader))
        page.sql = """
            SELECT \(PostgresRows.messageColumns), octet_length(content) + COALESCE(octet_length(metadata::text), 0)
            FROM messages \(rest)
            """
        var messages: [Message] = []
        var bytes = 0
        var cut = false
        for row in try await run(page.query) {
            if let maxBytes = query.maxBytes {
                let size = Int(try row.makeRandomAccess()[10].decode(Int32.self)) + Message.rowOverhead
                if !messages.isEmpty, bytes + size > maxBytes {
                    cut = true
                    break
                }
                bytes += size
            }
            messages.append(try PostgresRows.message(row))
        }
        var total: Int?
        if query.countTotal {
            if query.offset == 0 && messages.count < query.limit && !cut {
                total = messages.count  // the page holds them all
            } else {
                var count = StatementBuilder()
                count.sql = count.append(MessageRules.count(query, reader: reader))
                total = Int(try await run(count.query).first?.decode(Int64.self) ?? 0)
            }
        }
        return MessagePage(messages: messages, totalCount: total, truncated: cut)
    }

    public func allMessages(sessionID: String, afterID: Int64, limit: Int) async throws -> [Message] {
        try await run(
            """
            SELECT \(unescaped: PostgresRows.messageColumns) FROM messages WHERE session_id = \(sessionID) AND id > \(afterID)
            ORDER BY id LIMIT \(Int64(limit))
            """
        ).map(PostgresRows.message)
    }

    public func setVisibility(messageID: Int64, to visibility: Visibility, at time: Double) async throws -> Visibility {
        try await transaction { connection in
            let rows = try await connection.query(
                "SELECT visibility, session_id FROM messages WHERE id = \(messageID) FOR UPDATE", logger: self.logger).collect()
            guard let row = rows.first, case let (text, sessionID) = try row.decode((String?, String).self),
                let previous = Visibility(rawValue: text ?? "")
            else { throw SCSError.messageNotFound(messageID) }
            try await connection.query("UPDATE messages SET visibility = \(visibility.rawValue) WHERE id = \(messageID)", logger: self.logger)
            try await connection.query(
                "INSERT INTO message_changes (message_id, session_id, changed_at) VALUES (\(messageID), \(sessionID), \(time))",
                logger: self.logger)
            return previous
        }
    }

    /// New messages and changed visibilities read in one REPEATABLE READ snapshot, so a change
    /// committed between the two reads is not half seen.
    public func searchDelta(sessionID: String, afterMessageID: Int64, afterChangeID: Int64, limit: Int) async throws -> SearchDelta {
        try await transaction { connection in
            let logger = self.logger
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            let messages = try await connection.query(
                """
                SELECT \(unescaped: PostgresRows.messageColumns) FROM messages WHERE session_id = \(sessionID) AND id > \(afterMessageID)
                ORDER BY id LIMIT \(Int64(limit))
                """, logger: logger
            ).collect().map(PostgresRows.message)
            let lastChange = try await connection.query(
                "SELECT MAX(id) FROM message_changes WHERE session_id = \(sessionID)", logger: logger
            ).collect().first?.decode(Int64?.self) ?? nil
            var changed: [Message] = []
            if let lastChange, lastChange > afterChangeID {
                changed = try await connection.query(
                    """
                    SELECT \(unescaped: PostgresRows.messageColumns) FROM messages WHERE id IN
                    (SELECT message_id FROM message_changes WHERE session_id = \(sessionID) AND id > \(afterChangeID))
                    """, logger: logger
                ).collect().map(PostgresRows.message)
            }
            return SearchDelta(messages: messages, changed: changed, lastChangeID: max(lastChange ?? afterChangeID, afterChangeID))
        }
    }
}
