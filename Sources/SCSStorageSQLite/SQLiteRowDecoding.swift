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

/// The visibility rule of docs/CONTRACT.md §4 as a SQL condition over `messages` columns.
struct VisibilityClause {
    let sql: String
    let arguments: [any DatabaseValueConvertible]

    init(reader: AgentIdentity, table alias: String = "") {
        let p = alias.isEmpty ? "" : alias + "."
        if reader.isAdmin {
            sql = "1"
            arguments = []
        } else {
            sql = "(\(p)visibility = 'public' OR (\(p)visibility = 'private' AND \(p)sender = ?) OR "
                + "(\(p)visibility = 'agent_only' AND (\(p)sender = ? OR lower(\(p)sender_type) = ?)))"
            arguments = [reader.agentID, reader.agentID, reader.foldedAgentType]
        }
    }
}

/// `COUNT(*)` of the messages of a session that `reader` may see, as a sum of one count per
/// visibility value. Without further conditions the public part (the common case) and an admin's
/// whole count are lookups in `message_counts` (kept by triggers, migration 6); the private and
/// agent-only parts, and every count with conditions, are a range of
/// `idx_messages_visibility_session (visibility, session_id)`. One count with the
/// `VisibilityClause` would read every row of the session from the table.
/// Admins see every row (whatever its visibility value).
struct VisibleCount {
    let sql: String
    let arguments: [any DatabaseValueConvertible]

    static let publicCount = "IFNULL((SELECT count FROM message_counts WHERE session_id = ? AND visibility = 'public'), 0)"

    /// `conditions` and `arguments` narrow every count further (sender, time, id bounds).
    init(sessionID: String, reader: AgentIdentity, only: Visibility?, conditions: [String], arguments extra: [any DatabaseValueConvertible]) {
        let rest = conditions.map { " AND " + $0 }.joined()
        if reader.isAdmin {
            let filter = only.map { " AND visibility = '\($0.rawValue)'" } ?? ""
            sql = conditions.isEmpty
                ? "SELECT IFNULL((SELECT SUM(count) FROM message_counts WHERE session_id = ?\(filter)), 0)"
                : "SELECT COUNT(*) FROM messages WHERE session_id = ?\(filter)\(rest)"
            arguments = [sessionID] + extra
            return
        }
        var parts: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        for visibility in Visibility.allCases where only == nil || only == visibility {
            let own: String
            let ownArguments: [any DatabaseValueConvertible]
            switch visibility {
            case .public: (own, ownArguments) = ("", [])
            case .private: (own, ownArguments) = (" AND sender = ?", [reader.agentID])
            case .agentOnly: (own, ownArguments) = (" AND (sender = ? OR lower(sender_type) = ?)", [reader.agentID, reader.foldedAgentType])
            case .adminOnly: continue
            }
            if visibility == .public && conditions.isEmpty {
                parts.append(Self.publicCount)
                arguments.append(sessionID)
                continue
            }
            parts.append("(SELECT COUNT(*) FROM messages WHERE visibility = '\(visibility.rawValue)' AND session_id = ?\(own)\(rest))")
            arguments += [sessionID] + ownArguments + extra
        }
        sql = parts.isEmpty ? "SELECT 0" : "SELECT " + parts.joined(separator: " + ")
        self.arguments = arguments
    }
}
