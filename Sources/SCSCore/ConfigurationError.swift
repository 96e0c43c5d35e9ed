/// A configuration problem that stops the server from starting; `scs` exits 78 (EX_CONFIG).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The exit status for configuration errors (sysexits.h EX_CONFIG).
    public static let exitCode: Int32 = 78
}
