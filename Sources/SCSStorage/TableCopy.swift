/// The tables of a database as plain rows, for `scs db copy` (docs/POSTGRESQL.md, "Moving data").
/// Each driver reads and writes them in its own types; `DataCopy` moves rows between any two and
/// checks what arrived.

/// One stored value, as a driver reads or writes it.
public enum CellValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    case text(String)
    case bytes([UInt8])
}

/// What a column holds, whatever the driver calls it (SQLite `TIMESTAMP` and PostgreSQL `double
/// precision` are both `.real`; `json` is `.text`).
public enum ColumnKind: String, Sendable {
    case integer, real, boolean, text, bytes
}

public struct TableColumn: Sendable, Equatable {
    public var name: String
    public var kind: ColumnKind
    /// The driver's own type name (PostgreSQL: to cast a bind to `json`).
    public var declaredType: String

    public init(name: String, kind: ColumnKind, declaredType: String) {
        self.name = name
        self.kind = kind
        self.declaredType = declaredType
    }
}

/// Rows of a database, read in one consistent snapshot.
public protocol TableReader: Sendable {
    /// The table's columns, or nil when it does not exist.
    func columns(of table: String) async throws -> [TableColumn]?
    func count(_ table: String) async throws -> Int
    /// Up to `limit` rows ordered by `key`, after the row whose key values are `after`.
    func rows(of table: String, columns: [TableColumn], key: [String], after: [CellValue]?, limit: Int) async throws -> [[CellValue]]
    /// Ends the snapshot.
    func close() async
}

/// A database being filled: nothing is visible (or replaced) before `commit`; reading returns
/// what was written so far, for verification.
public protocol TableWriter: TableReader {
    /// Rows the target held before the copy began, per table that has any.
    func existingRows(_ tables: [String]) async throws -> [String: Int]
    /// Empties the tables (and what is derived from them) before a forced copy.
    func clear(_ tables: [String]) async throws
    func insert(into table: String, columns: [TableColumn], rows: [[CellValue]]) async throws
    /// Makes the copy the target's content, at once.
    func commit() async throws
    /// Leaves the target as it was.
    func rollback() async
}
