import GRDB
import SCSStorage

extension SQLFragment {
    /// The fragment as SQLite takes it: `?` placeholders and their arguments.
    var sqlite: (sql: String, arguments: StatementArguments) {
        let (sql, values) = rendered { _ in "?" }
        return (sql, StatementArguments(values.map { value -> DatabaseValue in
            switch value {
            case .text(let text): text.databaseValue
            case .integer(let number): number.databaseValue
            case .real(let number): number.databaseValue
            case .null: .null
            }
        }))
    }
}
