public import Logging
import Foundation
import NIOCore
import PostgresNIO
public import SCSCore
public import SCSStorage

/// `scs db copy` on PostgreSQL (docs/POSTGRESQL.md, "Moving data"): one connection of its own and
/// one transaction. A source is read in one `REPEATABLE READ READ ONLY` snapshot; a target is
/// written, verified and committed in one transaction, so a failed copy changes nothing. Both are
/// first brought to the current schema by our migrations.
public final class PostgresTableAccess: TableWriter {
    let connection: PostgresConnection
    let logger: Logger

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    public static func reader(url: PostgresURL, logger: Logger) async throws -> PostgresTableAccess {
        try await open(url: url, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
    }

    public static func writer(url: PostgresURL, logger: Logger) async throws -> PostgresTableAccess {
        try await open(url: url, begin: "BEGIN", logger: logger)
    }

    static func open(url: PostgresURL, begin: String, logger: Logger) async throws -> PostgresTableAccess {
        try await PostgresStorage.migrate(url: url, logger: logger)
        let connection = try await PostgresStorage.connect(url: url, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
        } catch {
            try? await connection.close()
            throw PostgresStorage.translate(error)
        }
        return PostgresTableAccess(connection: connection, logger: logger)
    }

    @discardableResult
    func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            return try await connection.query(query, logger: logger).collect()
        } catch {
            if let state = PostgresStorage.sqlState(error), let message = (error as? PSQLError)?.serverInfo?[.message] {
                throw DataCopy.Failure("PostgreSQL refused the copy (SQLSTATE \(state)): \(message)")
            }
            throw PostgresStorage.translate(error)
        }
    }

    // MARK: Reading

    public func columns(of table: String) async throws -> [TableColumn]? {
        let rows = try await run(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position"
        )
        let columns = try rows.map { row in
            let (name, type) = try row.decode((String, String).self)
            return TableColumn(name: name, kind: Self.kind(of: type), declaredType: type)
        }
        return columns.isEmpty ? nil : columns
    }

    static func kind(of type: String) -> ColumnKind {
        switch type {
        case "smallint", "integer", "bigint": .integer
        case "double precision", "real", "numeric": .real
        case "boolean": .boolean
        case "bytea": .bytes
        default: .text
        }
    }

    public func count(_ table: String) async throws -> Int {
        try await run(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(Self.quoted(table))")).first?.decode(Int.self) ?? 0
    }

    public func rows(of table: String, columns: [TableColumn], key: [String], after: [CellValue]?, limit: Int) async throws -> [[CellValue]] {
        var builder = StatementBuilder()
        // json is read as its text, exactly as stored.
        builder.sql = "SELECT " + columns.map { Self.quoted($0.name) + ($0.kind == .text ? "::text" : "") }.joined(separator: ", ")
            + " FROM " + Self.quoted(table)
        if let after {
            var placeholders: [String] = []
            for value in after { placeholders.append(Self.bind(value, &builder.binds)) }
            builder.sql += " WHERE (" + key.map(Self.quoted).joined(separator: ", ") + ") > (" + placeholders.joined(separator: ", ") + ")"
        }
        builder.sql += " ORDER BY " + key.map(Self.quoted).joined(separator: ", ") + " LIMIT \(limit)"
        return try await run(builder.query).map { row in
            try zip(row, columns).map { cell, column in try Self.value(cell, column) }
        }
    }

    public func close() async {
        _ = try? await run("ROLLBACK")
        try? await connection.close()
    }

    // MARK: Writing

    public func existingRows(_ tables: [String]) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in tables where try await columns(of: table) != nil {
            let rows = try await count(table)
            if rows > 0 { counts[table] = rows }
        }
        return counts
    }

    /// TRUNCATE fires no row triggers, so the counts they keep are emptied with the tables.
    public func clear(_ tables: [String]) async throws {
        let list = (tables + ["message_counts"]).map(Self.quoted).joined(separator: ", ")
        try await run(PostgresQuery(unsafeSQL: "TRUNCATE \(list) RESTART IDENTITY CASCADE"))
    }

    public func insert(into table: String, columns: [TableColumn], rows: [[CellValue]]) async throws {
        // At most 65,535 binds per statement.
        let perStatement = max(1, 30_000 / max(1, columns.count))
        var start = 0
        while start < rows.count {
            let slice = rows[start..<min(rows.count, start + perStatement)]
            var builder = StatementBuilder()
            builder.sql = "INSERT INTO \(Self.quoted(table)) (" + columns.map { Self.quoted($0.name) }.joined(separator: ", ") + ") VALUES "
            var tuples: [String] = []
            for row in slice {
                var placeholders: [String] = []
                for (value, column) in zip(row, columns) {
                    let placeholder = Self.bind(value, &builder.binds)
                    placeholders.append(column.declaredType == "json" || column.declaredType == "jsonb" ? placeholder + "::" + column.declaredType : placeholder)
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            builder.sql += tuples.joined(separator: ", ")
            try await run(builder.query)
            start += perStatement
        }
    }

    /// Sequences continue after the copied ids, then the transaction commits.
    public func commit() async throws {
        for (table, key) in DataCopy.tables where key == ["id"] {
            guard try await columns(of: table)?.first(where: { $0.name == "id" })?.kind == .integer else { continue }
            try await run(PostgresQuery(unsafeSQL: """
                SELECT setval(pg_get_serial_sequence('\(Self.quoted(table))', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(Self.quoted(table))
                """))
        }
        try await run("COMMIT")
        try? await connection.close()
    }

    public func rollback() async {
        await close()
    }

    // MARK: Values

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func bind(_ value: CellValue, _ binds: inout PostgresBindings) -> String {
        switch value {
        case .null: binds.appendNull()
        case .integer(let number): binds.append(number)
        case .real(let double): binds.append(double)
        case .boolean(let flag): binds.append(flag)
        case .text(let text): binds.append(text)
        case .bytes(let bytes): binds.append(ByteBuffer(bytes: bytes))
        }
        return "$\(binds.count)"
    }

    static func value(_ cell: PostgresCell, _ column: TableColumn) throws -> CellValue {
        guard cell.bytes != nil else { return .null }
        switch column.kind {
        case .integer: return .integer(try cell.decode(Int64.self))
        case .real: return .real(try cell.decode(Double.self))
        case .boolean: return .boolean(try cell.decode(Bool.self))
        case .bytes: return .bytes(Array(buffer: try cell.decode(ByteBuffer.self)))
        case .text: return .text(try cell.decode(String.self))
        }
    }
}
