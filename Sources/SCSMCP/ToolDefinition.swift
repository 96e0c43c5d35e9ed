public import SCSCore
public import OrderedCollections

/// One tool call as a handler sees it: arguments already validated against the tool's schema,
/// with the schema's defaults filled in.
public struct ToolInvocation: Sendable {
    public var arguments: JSONObject
    public var client: MCPClientContext

    public init(arguments: JSONObject, client: MCPClientContext) {
        self.arguments = arguments
        self.client = client
    }

    public func string(_ name: String) -> String? { arguments[name]?.stringValue }
    public func int(_ name: String) -> Int? { arguments[name]?.intValue.map(Int.init) }
    public func double(_ name: String) -> Double? { arguments[name]?.doubleValue }
    public func bool(_ name: String) -> Bool? { arguments[name]?.boolValue }
    public func object(_ name: String) -> JSONObject? { arguments[name]?.objectValue }
}

/// A tool declared as data: name, description, input schema, read-only hint and handler. The
/// handler returns the result object (`success: true …` or an error envelope).
public struct ToolDefinition: Sendable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue
    public var readOnly: Bool
    public var handler: @Sendable (ToolInvocation) async -> JSONObject
    let validator: JSONSchemaValidator

    public init(
        name: String, description: String, inputSchema: JSONValue, readOnly: Bool,
        handler: @escaping @Sendable (ToolInvocation) async -> JSONObject
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.readOnly = readOnly
        self.handler = handler
        validator = JSONSchemaValidator(schema: inputSchema, secretProperties: Self.secretParameters)
    }

    /// Parameters that carry credentials: validation errors never repeat their values.
    public static let secretParameters: Set<String> = ["auth_token", "current_token", "token"]

    /// The `tools/list` entry.
    public var listing: JSONValue {
        [
            "name": .string(name), "description": .string(description), "inputSchema": inputSchema,
            "outputSchema": ["type": "object", "additionalProperties": true],
            "annotations": ["readOnlyHint": .bool(readOnly)],
        ]
    }

    /// Arguments with every schema default filled in for absent properties.
    func withDefaults(_ arguments: JSONObject) -> JSONObject {
        var filled = arguments
        for (name, property) in inputSchema["properties"]?.objectValue ?? [:] where filled[name] == nil {
            if let value = property["default"] { filled[name] = value }
        }
        return filled
    }
}
