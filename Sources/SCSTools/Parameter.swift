import SCSCore
import OrderedCollections

/// One parameter of a tool: its schema (with the default that validation fills in) and how its
/// validated value becomes a Swift value. A parameter's name is written here and nowhere else:
/// arguments structs read `values[Self.limit]`, never a string key.
struct Parameter<Value: Sendable>: Sendable {
    let property: ToolSchema.Property
    let isRequired: Bool
    let read: @Sendable (JSONValue?) -> Value
    /// An identifier (agent id or type, sender, memory key, session id): control characters are
    /// refused with an input error that names the field (ToolCall+Rules).
    var isIdentifier = false

    var name: String { property.name }

    /// The same parameter, marked as an identifier.
    func identifier() -> Self {
        var copy = self
        copy.isIdentifier = true
        return copy
    }
}

/// The arguments of one call, after schema validation filled in every default.
struct ArgumentValues: Sendable {
    let object: JSONObject

    subscript<Value>(_ parameter: Parameter<Value>) -> Value { parameter.read(object[parameter.name]) }
}

typealias S = ToolSchema

extension Parameter where Value == String {
    /// A required string (validation guarantees it is there).
    static func text(_ name: String, _ description: String, minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil) -> Self {
        Self(property: S.string(name, description, minLength: minLength, maxLength: maxLength, pattern: pattern), isRequired: true) {
            $0?.stringValue ?? ""
        }
    }

    /// A string with a default.
    static func text(
        _ name: String, _ description: String, default value: String, enumeration: [String]? = nil, maxLength: Int = Limits.shortTextLength
    ) -> Self {
        Self(property: S.stringWithDefault(name, description, default: value, enumeration: enumeration, maxLength: maxLength), isRequired: false) {
            $0?.stringValue ?? value
        }
    }
}

extension Parameter where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of an enum's cases by name, with a default (validation refuses any other name).
    static func choice(_ name: String, _ description: String, default value: Value) -> Self {
        let names = Value.allCases.map(\.rawValue)
        return Self(
            property: S.stringWithDefault(name, description, default: value.rawValue, enumeration: names, maxLength: Limits.shortTextLength),
            isRequired: false
        ) { $0?.stringValue.flatMap(Value.init(rawValue:)) ?? value }
    }
}

extension Parameter where Value == String? {
    /// A string or null where `""` and the literal `"null"` also mean absent (the Python
    /// server's normalisation).
    static func optionalText(_ name: String, _ description: String, maxLength: Int) -> Self {
        Self(property: S.optionalString(name, description, maxLength: maxLength), isRequired: false) { value in
            guard let text = value?.stringValue, text != "null", !text.isEmpty else { return nil }
            return text
        }
    }

    /// A string or null taken as given: `""` is a value (judged by the tool, e.g. an invalid
    /// visibility), only null is absent.
    static func rawText(_ property: ToolSchema.Property, required: Bool = false) -> Self {
        Self(property: property, isRequired: required) { $0?.stringValue }
    }

    /// A memory scope: null and the literal `"null"` mean global; any other string, `""`
    /// included, names a session (and `""` names none that exists, as in the Python server).
    static func scope(_ property: ToolSchema.Property) -> Self {
        Self(property: property, isRequired: false) { value in
            guard let text = value?.stringValue, text != "null" else { return nil }
            return text
        }
    }
}

extension Parameter where Value == Int {
    static func integer(_ name: String, _ description: String, default value: Int64, minimum: Int64? = nil, maximum: Int64) -> Self {
        Self(property: S.integer(name, description, default: value, minimum: minimum, maximum: maximum), isRequired: false) {
            // Bounded by the schema's maximum, so the value fits an Int.
            Int($0?.intValue ?? value)
        }
    }
}

extension Parameter where Value == Int64 {
    /// A required id (1 … 2^53 − 1).
    static func id(_ name: String, _ description: String) -> Self {
        Self(property: S.requiredInteger(name, description), isRequired: true) { $0?.intValue ?? 0 }
    }
}

extension Parameter where Value == Int64? {
    static func optionalID(_ property: ToolSchema.Property) -> Self {
        Self(property: property, isRequired: false) { $0?.intValue }
    }
}

extension Parameter where Value == Double {
    static func number(_ property: ToolSchema.Property, default value: Double) -> Self {
        Self(property: property, isRequired: false) { $0?.doubleValue ?? value }
    }
}

extension Parameter where Value == Bool {
    static func flag(_ name: String, _ description: String, default value: Bool) -> Self {
        Self(property: S.boolean(name, description, default: value), isRequired: false) { $0?.boolValue ?? value }
    }
}

extension Parameter where Value == JSONObject? {
    /// An optional JSON object (null when absent).
    static func object(_ name: String, _ description: String, example: JSONValue) -> Self {
        Self(property: S.optionalObject(name, description, example: example), isRequired: false) { $0?.objectValue }
    }
}

extension Parameter where Value == JSONValue {
    /// Any JSON value, as sent (null when absent).
    static func json(_ property: ToolSchema.Property, required: Bool) -> Self {
        Self(property: property, isRequired: required) { $0 ?? .null }
    }
}

extension Parameter where Value == [String] {
    static func strings(_ property: ToolSchema.Property, default value: [String]) -> Self {
        Self(property: property, isRequired: false) { $0?.arrayValue?.compactMap(\.stringValue) ?? value }
    }
}

/// The parameters several tools share.
enum Parameters {
    static let authToken = Parameter<String?>.optionalText(
        "auth_token", "Token from authenticate_agent (sct_…). Optional: without it the call runs as an anonymous read-only agent.",
        maxLength: Limits.tokenLength)
    static let sessionID = Parameter<String>.text("session_id", "Session id (session_ + 16 hex characters).", maxLength: Limits.sessionIDLength)
        .identifier()
    /// A session scope for memory: a session id, or null for global.
    static let memoryScope = Parameter<String?>.scope(
        S.optionalString("session_id", "Session scope; null for global.", maxLength: Limits.sessionIDLength)
    ).identifier()
    static let visibilities = "public (everyone), private (you and admins), agent_only (agents of your agent_type and admins), admin_only (admins)"
}

/// A parameter with its type erased, for building a tool's schema.
struct AnyParameter: Sendable {
    let property: ToolSchema.Property
    let isRequired: Bool
    let isIdentifier: Bool

    init<Value>(_ parameter: Parameter<Value>) {
        property = parameter.property
        isRequired = parameter.isRequired
        isIdentifier = parameter.isIdentifier
    }
}
