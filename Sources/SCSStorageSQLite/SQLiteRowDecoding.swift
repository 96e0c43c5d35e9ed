import GRDB
import GRDBSQLite
import SCSCore
import SCSStorage
import OrderedCollections

/// Decoding of rows written by this server or by the Python server (text times, JSON strings).
enum SQLiteRow {
    /// Unix seconds from a REAL/INTEGER column, or from text in ISO / `CURRENT_TIMESTAMP` form.
    static func time(_ value: DatabaseValue) -> Double? {
        switch value.storage {
        case .double(let d): return d
        case .int64(let i): return Double(i)
        case .string(let s): return Timestamp.parseISO(s)
        case .null, .blob: return nil
        }
    }

    static func string(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .string(let s): return s
        case .int64(let i): return String(i)
        case .double(let d): return String(d)
        case .blob(let data): return String(decoding: data, as: UTF8.self)
        case .null: return nil
        }
    }

    static func int(_ value: DatabaseValue) -> Int64? {
        switch value.storage {
        case .int64(let i): return i
        case .double(let d): return Int64(exactly: d)
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    /// A metadata column: a JSON object, or nil (absent, empty object, or not an object).
    static func object(_ value: DatabaseValue) -> JSONObject? { StoredJSON.object(string(value)) }

    /// A stored memory value: JSON when it parses, else the raw text (Python stored strings raw).
    static func jsonValue(_ value: DatabaseValue) -> JSONValue { string(value).map(StoredJSON.value) ?? .null }

    static let messageColumns =
        "id, session_id, sender, sender_type, content, visibility, message_type, metadata, timestamp, parent_message_id"

    static func message(_ row: Row) throws -> Message {
        try message { row[Int($0)] }
    }

    /// Every message a `SELECT messageColumns …` statement yields, read column by column from the
    /// stepping statement (no intermediate row copies).
    /// The rows as messages; with `maxBytes`, reading stops before the message that would take
    /// the page's size (content, metadata and a fixed share per row) past it — but never before
    /// the first.
    static func messages(_ statement: Statement, arguments: StatementArguments, maxBytes: Int? = nil) throws -> [Message] {
        var cut = false
        return try messages(statement, arguments: arguments, maxBytes: maxBytes, cut: &cut)
    }

    static func messages(_ statement: Statement, arguments: StatementArguments, maxBytes: Int?, cut: inout Bool) throws -> [Message] {
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        let sqlite = statement.sqliteStatement
        var messages: [Message] = []
        var bytes = 0
        while try cursor.next() != nil {
            if let maxBytes {
                // Sizes from SQLite itself: nothing is decoded before it is known to fit.
                let size = Int(sqlite3_column_bytes(sqlite, 4)) + Int(sqlite3_column_bytes(sqlite, 7)) + Message.rowOverhead
                if !messages.isEmpty, bytes + size > maxBytes {
                    cut = true
                    break
                }
                bytes += size
            }
            messages.append(try message { DatabaseValue(sqliteStatement: sqlite, index: $0) })
        }
        return messages
    }

    /// A message from the columns of `messageColumns`, in order.
    static func message(_ column: (CInt) -> DatabaseValue) throws -> Message {
        guard let id = int(column(0)), let sessionID = string(column(1)), let sender = string(column(2)),
            let content = string(column(4)), let visibility = Visibility(rawValue: string(column(5)) ?? "")
        else { throw StorageError(.corruptRow, "unreadable message row") }
        return Message(
            id: id, sessionID: sessionID, sender: sender, senderType: string(column(3)) ?? "generic",
            content: content, visibility: visibility, messageType: string(column(6)) ?? Message.defaultType,
            metadata: object(column(7)), timestamp: time(column(8)) ?? 0, parentMessageID: int(column(9))
        )
    }

    static let sessionColumns = "id, purpose, created_by, created_at, updated_at, is_active, metadata, closed_at"

    static func session(_ row: Row, offset: Int = 0) throws -> Session {
        guard let id = string(row[offset]), let purpose = string(row[offset + 1]),
            let createdBy = string(row[offset + 2])
        else { throw StorageError(.corruptRow, "unreadable session row") }
        let createdAt = time(row[offset + 3]) ?? 0
        return Session(
            id: id, purpose: purpose, createdBy: createdBy, createdAt: createdAt,
            updatedAt: time(row[offset + 4]) ?? createdAt, isActive: (int(row[offset + 5]) ?? 1) != 0,
            metadata: object(row[offset + 6]), closedAt: time(row[offset + 7])
        )
    }

    static let memoryColumns = "agent_id, session_id, key, value, metadata, created_at, updated_at, expires_at"

    static func memory(_ row: Row) throws -> MemoryEntry {
        guard let agentID = string(row[0]), let key = string(row[2]) else {
            throw StorageError(.corruptRow, "unreadable memory row")
        }
        let createdAt = time(row[5]) ?? 0
        return MemoryEntry(
            agentID: agentID, key: key, scope: MemoryScope(sessionID: string(row[1])), value: jsonValue(row[3]),
            metadata: object(row[4]), createdAt: createdAt, updatedAt: time(row[6]) ?? createdAt,
            expiresAt: time(row[7])
        )
    }
}
