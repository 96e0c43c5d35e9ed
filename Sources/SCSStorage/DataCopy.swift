import Crypto
import SCSCore

/// `scs db copy` (docs/POSTGRESQL.md, "Moving data"): every table of our schema, from one
/// database to another, in key order and in chunks. Each value is converted to the kind of the
/// target's column (a Python-server text time becomes unix seconds, a SQLite 0/1 a boolean), and
/// each table is summed as it is read from the source and again as it is read back from the
/// target before the copy is committed: row counts and checksums must agree, or nothing changes.
public enum DataCopy {
    /// The tables copied, parents first, with the key they are read in. Not copied: what the
    /// target derives (`message_counts`, kept by triggers), its own migration record
    /// (`scs_migrations`) and the Python server's `schema_version`.
    public static let tables: [(name: String, key: [String])] = [
        ("sessions", ["id"]), ("messages", ["id"]), ("message_changes", ["id"]), ("agent_memory", ["id"]),
        ("audit_log", ["id"]), ("secure_tokens", ["id"]), ("mcp_sessions", ["id"]), ("agent_activity", ["session_id", "agent_id"]),
        ("dashboard_logins", ["id"]), ("registered_agents", ["agent_id"]),
    ]

    public struct TableReport: Sendable, Equatable {
        public var table: String
        public var rows: Int
        /// Hex SHA-256 sum over the table's rows (order-independent), the same on both sides.
        public var checksum: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Copies everything; throws (with the target unchanged) when the target holds rows and
    /// `force` is false, when a value cannot be stored in the target's column, or when the
    /// verification finds a difference.
    public static func run(
        from source: any TableReader, to target: any TableWriter, force: Bool, chunk: Int = 500,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> [TableReport] {
        do {
            let existing = try await target.existingRows(tables.map(\.name))
            if !existing.isEmpty && !force {
                let list = existing.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) rows)" }.joined(separator: ", ")
                throw Failure("the target is not empty: \(list); pass --force to replace its content")
            }
            if !existing.isEmpty { try await target.clear(tables.map(\.name)) }
            var reports: [TableReport] = []
            var copied: [(report: TableReport, key: [String], columns: [TableColumn])] = []
            for (table, key) in tables {
                guard let targetColumns = try await target.columns(of: table) else {
                    throw Failure("the target has no table \(table)")
                }
                guard let sourceColumns = try await source.columns(of: table) else {
                    reports.append(TableReport(table: table, rows: 0, checksum: RowSum().hex))
                    continue
                }
                let lost = sourceColumns.map(\.name).filter { name in !targetColumns.contains { $0.name == name } }
                guard lost.isEmpty else { throw Failure("the target's \(table) has no column \(lost.joined(separator: ", "))") }
                let columns = targetColumns.filter { column in sourceColumns.contains { $0.name == column.name } }
                let report = try await copy(table, key: key, columns: columns, sourceColumns: sourceColumns, source: source, target: target, chunk: chunk)
                progress("\(table): \(report.rows) rows copied")
                reports.append(report)
                copied.append((report, key, columns))
            }
            for (report, key, columns) in copied {
                let readBack = try await sum(report.table, key: key, columns: columns, of: target, chunk: chunk)
                guard readBack == report else {
                    throw Failure(
                        "verification failed for \(report.table): \(report.rows) rows sent, \(readBack.rows) read back"
                            + (readBack.rows == report.rows ? " with a different checksum" : ""))
                }
            }
            try await target.commit()
            await source.close()
            return reports
        } catch {
            await target.rollback()
            await source.close()
            throw error
        }
    }

    static func copy(
        _ table: String, key: [String], columns: [TableColumn], sourceColumns: [TableColumn], source: any TableReader,
        target: any TableWriter, chunk: Int
    ) async throws -> TableReport {
        let readColumns = columns.map { column in sourceColumns.first { $0.name == column.name }! }
        return try await scan(table, key: key, read: readColumns, as: columns, from: source, chunk: chunk) { rows in
            try await target.insert(into: table, columns: columns, rows: rows)
        }
    }

    /// The rows and checksum of the columns the copy wrote, read back from `reader`.
    static func sum(_ table: String, key: [String], columns: [TableColumn], of reader: any TableReader, chunk: Int) async throws -> TableReport {
        try await scan(table, key: key, read: columns, as: columns, from: reader, chunk: chunk) { _ in }
    }

    /// Reads `table` in key order, `chunk` rows at a time, converts each row to the kinds of
    /// `columns`, sums it and hands each chunk to `body`.
    static func scan(
        _ table: String, key: [String], read: [TableColumn], as columns: [TableColumn], from reader: any TableReader, chunk: Int,
        _ body: ([[CellValue]]) async throws -> Void
    ) async throws -> TableReport {
        let keyIndexes = try key.map { name in
            guard let index = columns.firstIndex(where: { $0.name == name }) else { throw Failure("\(table) has no key column \(name)") }
            return index
        }
        var sum = RowSum()
        var after: [CellValue]?
        while true {
            let rows = try await reader.rows(of: table, columns: read, key: key, after: after, limit: chunk)
            guard !rows.isEmpty else { break }
            let converted = try rows.map { row in try zip(row, columns).map { try convert($0, to: $1, table: table) } }
            converted.forEach { sum.add($0) }
            try await body(converted)
            after = keyIndexes.map { rows[rows.count - 1][$0] }
            if rows.count < chunk { break }
        }
        return TableReport(table: table, rows: sum.rows, checksum: sum.hex)
    }

    /// `value` as the target's column holds it.
    static func convert(_ value: CellValue, to column: TableColumn, table: String) throws -> CellValue {
        var failure: Failure { Failure("\(table).\(column.name): a value cannot be stored as \(column.kind.rawValue)") }
        switch (column.kind, value) {
        case (_, .null): return .null
        case (.integer, .integer), (.real, .real), (.boolean, .boolean), (.text, .text), (.bytes, .bytes): return value
        case (.integer, .real(let double)):
            guard let exact = Int64(exactly: double) else { throw failure }
            return .integer(exact)
        case (.integer, .boolean(let flag)): return .integer(flag ? 1 : 0)
        case (.integer, .text(let text)):
            guard let number = Int64(text) else { throw failure }
            return .integer(number)
        case (.real, .integer(let number)): return .real(Double(number))
        case (.real, .text(let text)):
            // The Python server's SQLite defaults and triggers store times as text.
            guard let seconds = Double(text) ?? Timestamp.parseISO(text) else { throw failure }
            return .real(seconds)
        case (.boolean, .integer(let number)): return .boolean(number != 0)
        case (.boolean, .text(let text)):
            switch text.lowercased() {
            case "1", "t", "true": return .boolean(true)
            case "0", "f", "false": return .boolean(false)
            default: throw failure
            }
        case (.text, .bytes(let bytes)):
            guard let text = String(validating: bytes, as: UTF8.self) else { throw failure }
            return .text(text)
        case (.text, .integer(let number)): return .text(String(number))
        case (.bytes, .text(let text)): return .bytes(Array(text.utf8))
        default: throw failure
        }
    }
}

/// An order-independent sum of rows: the SHA-256 of each row's canonical bytes, added as four
/// 64-bit lanes (so two databases that return rows in different orders agree).
struct RowSum {
    var lanes: [UInt64] = [0, 0, 0, 0]
    var rows = 0

    mutating func add(_ row: [CellValue]) {
        var bytes: [UInt8] = []
        for value in row {
            switch value {
            case .null: bytes.append(0)
            case .integer(let number): bytes.append(1); withUnsafeBytes(of: number.littleEndian) { bytes += $0 }
            case .real(let double): bytes.append(2); withUnsafeBytes(of: double.bitPattern.littleEndian) { bytes += $0 }
            case .boolean(let flag): bytes += [3, flag ? 1 : 0]
            case .text(let text): bytes.append(4); append(Array(text.utf8), to: &bytes)
            case .bytes(let data): bytes.append(5); append(data, to: &bytes)
            }
        }
        let digest = Array(SHA256.hash(data: bytes))
        for lane in 0..<4 {
            var word: UInt64 = 0
            for byte in digest[(lane * 8)..<(lane * 8 + 8)] { word = word << 8 | UInt64(byte) }
            lanes[lane] &+= word
        }
        rows += 1
    }

    func append(_ data: [UInt8], to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt64(data.count).littleEndian) { bytes += $0 }
        bytes += data
    }

    var hex: String {
        lanes.map { lane in
            let text = String(lane, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}
