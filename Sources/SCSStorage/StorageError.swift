/// A failure of the storage driver itself (not a domain condition such as "session not found").
/// Its description is generic on purpose: SQL arguments (message text, memory values, tokens) are
/// never included; `underlying` is for debug logs only.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The database could not be opened or queried.
        public static let unavailable = Code(rawValue: "unavailable")
        /// The database was migrated by a newer version, or its schema is not what this version expects.
        public static let schemaMismatch = Code(rawValue: "schema_mismatch")
        /// A row could not be decoded.
        public static let corruptRow = Code(rawValue: "corrupt_row")
    }

    public let code: Code
    public let message: String
    /// The driver's own error text (may name SQL but never its arguments).
    public let underlying: String?

    public init(_ code: Code, _ message: String, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "storage \(code.rawValue): \(message)" }
}
