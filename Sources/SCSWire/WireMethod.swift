public import SCSCore

/// A value that travels as JSON on the worker protocol.
public protocol WireCodable: Sendable {
    init(wire: JSONValue) throws(WireError)
    var wire: JSONValue { get }
}

/// A worker method: its name, parameter and result types. Dispatch goes through these types,
/// never through strings scattered in the code.
public protocol WireMethod: Sendable {
    associatedtype Params: WireCodable
    associatedtype Result: WireCodable
    static var name: String { get }
    /// The role of the worker that serves it.
    static var role: WireRole { get }
    /// Whether a request may be re-sent to another worker when its worker dies (read-only).
    static var isIdempotentRead: Bool { get }
    /// Whether these parameters may be re-sent after the outcome of a first attempt is unknown.
    static func isSafeToRetry(_ params: Params) -> Bool
    /// Requests with the same key go to the same worker while it is ready (rendezvous hashing
    /// over the ready workers); nil means the least busy one.
    static func affinityKey(_ params: Params) -> String?
}

extension WireMethod {
    public static var isIdempotentRead: Bool { false }
    public static func isSafeToRetry(_ params: Params) -> Bool { isIdempotentRead }
    public static func affinityKey(_ params: Params) -> String? { nil }
}

/// Field access that turns absence or a wrong type into a protocol error naming the field.
extension JSONValue {
    public func required(_ key: String) throws(WireError) -> JSONValue {
        guard let value = self[key] else { throw WireError.protocolError("missing field \(key)") }
        return value
    }

    public func string(_ key: String) throws(WireError) -> String {
        guard let value = self[key]?.stringValue else { throw WireError.protocolError("field \(key) must be a string") }
        return value
    }

    public func optionalString(_ key: String) -> String? { self[key]?.stringValue }

    public func int(_ key: String) throws(WireError) -> Int64 {
        guard let value = self[key]?.intValue else { throw WireError.protocolError("field \(key) must be an integer") }
        return value
    }

    public func double(_ key: String) throws(WireError) -> Double {
        guard let value = self[key]?.doubleValue else { throw WireError.protocolError("field \(key) must be a number") }
        return value
    }

    public func bool(_ key: String) throws(WireError) -> Bool {
        guard let value = self[key]?.boolValue else { throw WireError.protocolError("field \(key) must be a boolean") }
        return value
    }
}

/// An empty parameter or result object.
public struct WireEmpty: WireCodable, Equatable {
    public init() {}
    public init(wire: JSONValue) throws(WireError) {}
    public var wire: JSONValue { [:] }
}
