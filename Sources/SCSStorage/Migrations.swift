/// The ordered, append-only list of schema migrations every storage driver implements.
/// Never edit or reorder an entry that has shipped; add a new one at the end.
public enum Migrations {
    public struct Entry: Sendable, Hashable {
        public let id: Int
        public let name: String
    }

    public static let all: [Entry] = [
        Entry(id: 1, name: "python_baseline"),
        Entry(id: 2, name: "scs_extensions"),
        Entry(id: 3, name: "message_changes"),
        Entry(id: 4, name: "mcp_sessions_and_activity"),
        Entry(id: 5, name: "hashed_tokens"),
        Entry(id: 6, name: "message_counts"),
        Entry(id: 7, name: "dashboard_logins"),
        Entry(id: 8, name: "registered_agents"),
    ]

    /// Checks that `applied` (ids recorded in a database) is a prefix of `all`, and returns what remains.
    public static func pending(applied: [Int]) throws -> [Entry] {
        let known = all.map(\.id)
        guard applied.count <= known.count, Array(known.prefix(applied.count)) == applied else {
            throw StorageError(
                .schemaMismatch,
                "the database records migrations \(applied) but this version knows \(known); "
                    + "it was written by a newer or different version of scs"
            )
        }
        return Array(all.dropFirst(applied.count))
    }
}
