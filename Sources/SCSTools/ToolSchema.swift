import SCSCore
import OrderedCollections

/// Builds tool input schemas in the Python server's shape (pydantic-generated: `title` per
/// property, `default`s, `required` only when non-empty) plus a description per property.
enum ToolSchema {
    typealias Property = (name: String, schema: JSONValue)

    static func object(_ properties: [Property], required: [String] = []) -> JSONValue {
        var props: JSONObject = [:]
        for property in properties { props[property.name] = property.schema }
        var schema: JSONObject = ["properties": .object(props)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        schema["type"] = "object"
        return .object(schema)
    }

    static func title(_ name: String) -> String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    static func property(_ name: String, _ description: String, _ keywords: JSONObject) -> Property {
        var schema = keywords
        schema["title"] = .string(title(name))
        schema["description"] = .string(description)
        return (name, .object(schema))
    }

    static func string(_ name: String, _ description: String, minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil) -> Property {
        var keywords: JSONObject = [:]
        if let maxLength { keywords["maxLength"] = .int(Int64(maxLength)) }
        if let minLength { keywords["minLength"] = .int(Int64(minLength)) }
        if let pattern { keywords["pattern"] = .string(pattern) }
        keywords["type"] = "string"
        return property(name, description, keywords)
    }

    static func stringWithDefault(
        _ name: String, _ description: String, default value: String, enumeration: [String]? = nil, maxLength: Int = Limits.shortTextLength
    ) -> Property {
        var keywords: JSONObject = ["default": .string(value)]
        if let enumeration { keywords["enum"] = .array(enumeration.map(JSONValue.string)) }
        keywords["maxLength"] = .int(Int64(maxLength))
        keywords["type"] = "string"
        return property(name, description, keywords)
    }

    /// A string or null (the default); the bound applies to the string branch.
    static func optionalString(_ name: String, _ description: String, maxLength: Int) -> Property {
        property(name, description, ["anyOf": [["maxLength": .int(Int64(maxLength)), "type": "string"], ["type": "null"]], "default": .null])
    }

    static func integer(_ name: String, _ description: String, default value: Int64, minimum: Int64? = nil, maximum: Int64) -> Property {
        var keywords: JSONObject = ["default": .int(value)]
        keywords["maximum"] = .int(maximum)
        if let minimum { keywords["minimum"] = .int(minimum) }
        keywords["type"] = "integer"
        return property(name, description, keywords)
    }

    static func requiredInteger(_ name: String, _ description: String, minimum: Int64 = 1, maximum: Int64 = Limits.maxID) -> Property {
        property(name, description, ["maximum": .int(maximum), "minimum": .int(minimum), "type": "integer"])
    }

    static func boolean(_ name: String, _ description: String, default value: Bool) -> Property {
        property(name, description, ["default": .bool(value), "type": "boolean"])
    }

    /// An optional JSON object; explicit null is accepted (docs/CONTRACT.md §5, row 7).
    static func optionalObject(_ name: String, _ description: String, example: JSONValue) -> Property {
        property(name, description, [
            "anyOf": [["additionalProperties": true, "type": "object"], ["type": "null"]], "default": .null,
            "examples": [example, .null],
        ])
    }
}
