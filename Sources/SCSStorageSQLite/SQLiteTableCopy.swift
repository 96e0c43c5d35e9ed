import Foundation
import GRDB
import SCSCore
public import SCSStorage

/// `scs db copy` on SQLite (docs/POSTGRESQL.md, "Moving data"). The source is never changed: it
/// is copied with `VACUUM INTO` to a private temporary file, which our migrations bring to the
/// current schema (a Python-server database included), and the copy reads that. The target is
/// built in a new file beside it and renamed over it only once verified, so a failed or
/// interrupted copy leaves the target as it was, and a copy can simply be run again.
public final class SQLiteTableAccess: TableWriter {
    let queue: DatabaseQueue
    let path: String
    /// Writing: the file renamed over `target` on commit. Reading: the snapshot's directory, removed on close.
    let target: String?
    let scratch: String?

    init(queue: DatabaseQueue, path: String, target: String?, scratch: String?) {
        self.queue = queue
        self.path = path
        self.target = target
        self.scratch = scratch
    }

    /// A snapshot of the database at `path`, at the current schema.
    public static func reader(path: String) async throws -> SQLiteTableAccess {
        guard FileManager.default.fileExists(atPath: path) else { throw DataCopy.Failure("no SQLite database at \(path)") }
        let scratch = NSTemporaryDirectory() + "scs-copy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let snapshot = scratch + "/snapshot.db"
        do {
            var readOnly = Configuration()
            readOnly.readonly = true
            let original = try DatabaseQueue(path: path, configuration: readOnly)
            try original.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [snapshot]) }
            try original.close()
            let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: snapshot)), schema: .migrate)
            try await storage.close()
            return SQLiteTableAccess(queue: try DatabaseQueue(path: snapshot), path: snapshot, target: nil, scratch: scratch)
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            throw error
        }
    }

    /// A new database that replaces the one at `path` (if any) on commit.
    public static func writer(path: String) async throws -> SQLiteTableAccess {
        let building = path + ".copy-" + UUID().uuidString.prefix(8)
        let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: building)), schema: .migrate)
        try await storage.close()
        return SQLiteTableAccess(queue: try DatabaseQueue(path: building), path: building, target: path, scratch: nil)
    }

    // MARK: Reading

    public func columns(of table: String) async throws -> [TableColumn]? {
        let columns = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?)", arguments: [table]).map { row -> TableColumn in
                let type: String = row["type"]
                return TableColumn(name: row["name"], kind: Self.kind(of: type), declaredType: type)
            }
        }
        return columns.isEmpty ? nil : columns
    }

    /// SQLite's type affinity rules, plus BOOLEAN and TIMESTAMP as the schema uses them.
    static func kind(of declared: String) -> ColumnKind {
        let type = declared.uppercased()
        if type.contains("BOOL") { return .boolean }
        if type.contains("INT") { return .integer }
        if type.contains("TIMESTAMP") || type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return .real }
        if type.contains("BLOB") { return .bytes }
        return .text
    }

    public func count(_ table: String) async throws -> Int {
        try await queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(Self.quoted(table))") ?? 0 }
    }

    public func rows(of table: String, columns: [TableColumn], key: [String], after: [CellValue]?, limit: Int) async throws -> [[CellValue]] {
        var sql = "SELECT " + columns.map { Self.quoted($0.name) }.joined(separator: ", ") + " FROM " + Self.quoted(table)
        let keyList = "(" + key.map(Self.quoted).joined(separator: ", ") + ")"
        var arguments: [DatabaseValue] = []
        if let after {
            sql += " WHERE \(keyList) > (" + Array(repeating: "?", count: after.count).joined(separator: ", ") + ")"
            arguments = after.map(Self.databaseValue)
        }
        sql += " ORDER BY " + key.map(Self.quoted).joined(separator: ", ") + " LIMIT \(limit)"
        return try await queue.read { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                (0..<row.count).map { Self.cell(row[$0] as DatabaseValue) }
            }
        }
    }

    public func close() async {
        try? queue.close()
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    // MARK: Writing

    public func existingRows(_ tables: [String]) async throws -> [String: Int] {
        guard let target, FileManager.default.fileExists(atPath: target) else { return [:] }
        var readOnly = Configuration()
        readOnly.readonly = true
        let existing = try DatabaseQueue(path: target, configuration: readOnly)
        defer { try? existing.close() }
        return try await existing.read { db in
            var counts: [String: Int] = [:]
            for table in tables where try db.tableExists(table) {
                let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(Self.quoted(table))") ?? 0
                if rows > 0 { counts[table] = rows }
            }
            return counts
        }
    }

    /// The copy is built in a new file: nothing to empty.
    public func clear(_ tables: [String]) async throws {}

    public func insert(into table: String, columns: [TableColumn], rows: [[CellValue]]) async throws {
        let sql = "INSERT INTO \(Self.quoted(table)) (" + columns.map { Self.quoted($0.name) }.joined(separator: ", ") + ") VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        try await queue.write { db in
            let statement = try db.cachedStatement(sql: sql)
            for row in rows { try statement.execute(arguments: StatementArguments(row.map(Self.databaseValue))) }
        }
    }

    public func commit() async throws {
        guard let target else { return }
        _ = try await queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try queue.close()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
        guard rename(path, target) == 0 else {
            throw DataCopy.Failure("cannot move the copy into place at \(target): \(String(cString: strerror(errno)))")
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    public func rollback() async {
        guard target != nil else { return }
        try? queue.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    // MARK: Values

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func cell(_ value: DatabaseValue) -> CellValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let double): .real(double)
        case .string(let text): .text(text)
        case .blob(let data): .bytes(Array(data))
        }
    }

    static func databaseValue(_ value: CellValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .real(let double): double.databaseValue
        case .boolean(let flag): (flag ? 1 : 0).databaseValue
        case .text(let text): text.databaseValue
        case .bytes(let bytes): Data(bytes).databaseValue
        }
    }
}
