/// A piece of SQL with its values kept apart, written once for every driver: each driver renders
/// the values as its own placeholders (`?` for SQLite, `$n` for PostgreSQL). The rules that both
/// drivers apply are written with it (`MessageRules`, `MemoryRules`; docs/ARCHITECTURE.md,
/// "Storage"). Text interpolated as a value is always bound, never spliced.
public struct SQLFragment: Sendable, ExpressibleByStringInterpolation {
    public enum Value: Sendable, Equatable {
        case text(String), integer(Int64), real(Double), null
    }

    public enum Piece: Sendable, Equatable {
        case text(String), value(Value)
    }

    public private(set) var pieces: [Piece]

    public init(pieces: [Piece]) { self.pieces = pieces }

    public init(stringLiteral value: String) { pieces = [.text(value)] }

    public init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }

    public struct Interpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { pieces.append(.text(literal)) }
        public mutating func appendInterpolation(_ value: String) { pieces.append(.value(.text(value))) }
        public mutating func appendInterpolation(_ value: String?) { pieces.append(.value(value.map(Value.text) ?? .null)) }
        public mutating func appendInterpolation(_ value: Int64) { pieces.append(.value(.integer(value))) }
        public mutating func appendInterpolation(_ value: Int) { pieces.append(.value(.integer(Int64(value)))) }
        public mutating func appendInterpolation(_ value: Double) { pieces.append(.value(.real(value))) }
        /// Another fragment, its values kept as values.
        public mutating func appendInterpolation(_ fragment: SQLFragment) { pieces += fragment.pieces }
        /// Trusted text of our own (a column list, a keyword): spliced as it is.
        public mutating func appendInterpolation(raw text: String) { pieces.append(.text(text)) }
    }

    /// `parts` joined by `separator`.
    public static func joined(_ parts: [SQLFragment], separator: String) -> SQLFragment {
        var pieces: [Piece] = []
        for (index, part) in parts.enumerated() {
            if index > 0 { pieces.append(.text(separator)) }
            pieces += part.pieces
        }
        return SQLFragment(pieces: pieces)
    }

    /// Every condition, parenthesised and joined by AND (`TRUE` for none).
    public static func all(_ conditions: [SQLFragment]) -> SQLFragment {
        conditions.isEmpty ? "TRUE" : joined(conditions.map { "(\($0))" }, separator: " AND ")
    }

    /// The text with each value replaced by `placeholder(n)` (n counts from `first`), and the values in order.
    public func rendered(first: Int = 1, placeholder: (Int) -> String) -> (sql: String, values: [Value]) {
        var sql = ""
        var values: [Value] = []
        for piece in pieces {
            switch piece {
            case .text(let text): sql += text
            case .value(let value):
                sql += placeholder(first + values.count)
                values.append(value)
            }
        }
        return (sql, values)
    }
}
