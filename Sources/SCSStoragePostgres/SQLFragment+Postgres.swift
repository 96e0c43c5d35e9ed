import PostgresNIO
import SCSStorage

extension StatementBuilder {
    /// Appends `fragment`'s values as the next binds and returns its text with their `$n` placeholders.
    mutating func append(_ fragment: SQLFragment) -> String {
        let (sql, values) = fragment.rendered(first: binds.count + 1) { "$\($0)" }
        for value in values {
            switch value {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            case .null: binds.append(String?.none)
            }
        }
        return sql
    }
}
