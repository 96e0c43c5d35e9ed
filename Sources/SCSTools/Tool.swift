import SCSMCP
import SCSCore

/// A tool as one type: its name, description and parameters (which make its input schema), its
/// arguments decoded once from the validated call (the schema's defaults already filled in), and
/// its handler. `ToolCatalog` lists them in `tools/list` order.
protocol Tool: Sendable {
    associatedtype Arguments: Sendable
    static var name: String { get }
    static var readOnly: Bool { get }
    /// The part named by the system error when something unexpected fails (`database`, …).
    static var component: String { get }
    static var summary: String { get }
    /// The `tools/list` description (the summary, unless it depends on configuration).
    static func description(in env: ToolEnvironment) -> String
    /// In schema order.
    static var parameters: [AnyParameter] { get }
    static func arguments(_ values: ArgumentValues) -> Arguments
    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject
}

extension Tool {
    static var component: String { "database" }

    static func description(in env: ToolEnvironment) -> String { summary }

    static var inputSchema: JSONValue {
        ToolSchema.object(parameters.map(\.property), required: parameters.filter(\.isRequired).map(\.property.name))
    }

    /// The tool as the MCP server serves it: application errors become the error envelope,
    /// anything unexpected the system error of `component`.
    static func definition(_ env: ToolEnvironment) -> ToolDefinition {
        ToolDefinition(name: name, description: description(in: env), inputSchema: inputSchema, readOnly: readOnly) { invocation in
            let call = ToolCall(env: env, invocation: invocation)
            return await call.run(component, name) {
                try ToolCall.checkIdentifiers(invocation.arguments, parameters)
                return try await handle(arguments(ArgumentValues(object: invocation.arguments)), call)
            }
        }
    }
}
