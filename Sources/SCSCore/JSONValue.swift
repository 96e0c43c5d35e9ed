public import OrderedCollections

/// A JSON object whose keys keep their insertion order (result envelopes have a fixed key order).
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// Any JSON value. Integers and floating-point numbers stay distinct so that `3` round-trips as `3`
/// and a unix timestamp `1764096000.5` stays a float.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// A value already written as compact JSON, serialized as is: results of many rows are
    /// written straight to bytes (no tree to build, walk and free). Nothing parses into it, its
    /// accessors (`arrayValue`, subscripts …) see no structure, and it equals only the same bytes.
    case raw(RawJSON)
}

/// Compact JSON text produced by code that writes valid JSON (see `JSONValue.raw`).
public struct RawJSON: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The value it holds, parsed (for the rare consumer that needs the structure).
    public var parsed: JSONValue { (try? JSONValue.parse(bytes)) ?? .null }
}

extension JSONValue {
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// The value as an integer when it is an integer, or a float with no fractional part.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int64(d)
        default: return nil
        }
    }

    /// The value as a number (integers widen to `Double`).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// An array element, or nil (not an array, or out of range).
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    /// The JSON type name as JSON Schema spells it.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        case .raw(let raw): return raw.parsed.typeName
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A literal's keys are written in code, so a repeated one is a programming error: debug builds
    /// (the tests) stop on it; release builds skip the per-key comparison on this hot path.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        assert(Set(elements.map(\.0)).count == elements.count, "a JSON literal repeats a key")
        self = .object(JSONObject(uncheckedUniqueKeysWithValues: elements))
    }
}

extension JSONValue {
    /// Wraps an optional string (`nil` → `null`).
    public static func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// Wraps an optional number (`nil` → `null`).
    public static func double(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }

    /// Wraps an optional integer (`nil` → `null`).
    public static func int(_ value: Int64?) -> JSONValue { value.map(JSONValue.int) ?? .null }
}
