public import SCSCore

/// A JSON-RPC error raised by a method handler (resources, prompts).
public struct MCPError: Error, Sendable, Equatable {
    public var code: JSONRPC.ErrorCode
    public var message: String

    public init(_ code: JSONRPC.ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}

public struct ResourceTemplate: Sendable {
    public var uriTemplate: String
    public var name: String
    public var description: String
    public var mimeType: String

    public init(uriTemplate: String, name: String, description: String, mimeType: String = "application/json") {
        self.uriTemplate = uriTemplate
        self.name = name
        self.description = description
        self.mimeType = mimeType
    }

    var listing: JSONValue {
        ["uriTemplate": .string(uriTemplate), "name": .string(name), "description": .string(description), "mimeType": .string(mimeType)]
    }
}

/// Resources: templates, reads and the identity a subscription is checked against.
public protocol ResourceProvider: Sendable {
    var templates: [ResourceTemplate] { get }
    /// The JSON body of one resource read by `client`.
    func read(uri: String, client: MCPClientContext) async throws(MCPError) -> JSONValue
    /// Whether `uri` names a resource that can be subscribed to; the identity it is checked with.
    func subscriber(uri: String, client: MCPClientContext) async throws(MCPError) -> AgentIdentity
}

public struct PromptArgument: Sendable {
    public var name: String
    public var description: String
    public var required: Bool

    public init(name: String, description: String, required: Bool) {
        self.name = name
        self.description = description
        self.required = required
    }
}

/// A prompt declared as data; the handler returns the prompt's text (one user message).
public struct PromptDefinition: Sendable {
    public var name: String
    public var description: String
    public var arguments: [PromptArgument]
    public var handler: @Sendable ([String: String], MCPClientContext) async throws(MCPError) -> String

    public init(
        name: String, description: String, arguments: [PromptArgument],
        handler: @escaping @Sendable ([String: String], MCPClientContext) async throws(MCPError) -> String
    ) {
        self.name = name
        self.description = description
        self.arguments = arguments
        self.handler = handler
    }

    var listing: JSONValue {
        [
            "name": .string(name), "description": .string(description),
            "arguments": .array(arguments.map {
                ["name": .string($0.name), "description": .string($0.description), "required": .bool($0.required)]
            }),
        ]
    }
}
