/// A permission an agent may hold. Unknown strings are kept (a JWT may carry them) but grant nothing.
public struct Permission: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let read = Permission("read")
    public static let write = Permission("write")
    public static let admin = Permission("admin")
    public static let debug = Permission("debug")

    /// The permissions the server knows; anything else is dropped when permissions are granted.
    public static let known: [Permission] = [.read, .write, .admin, .debug]

    public var description: String { rawValue }
}
