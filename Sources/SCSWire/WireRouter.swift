public import SCSCore

/// Typed request handlers keyed by their method's name.
public struct WireRouter: Sendable {
    public typealias Handler = @Sendable (JSONValue) async throws -> JSONValue
    private var handlers: [String: Handler] = [:]

    public init() {}

    /// Registers the handler of method `M`; parameters are decoded and results encoded here.
    public mutating func register<M: WireMethod>(_ method: M.Type, _ body: @escaping @Sendable (M.Params) async throws -> M.Result) {
        handlers[M.name] = { params in
            try await body(try M.Params(wire: params)).wire
        }
    }

    /// Runs the handler for `method`: a result, or an error object (an `SCSError`'s wire form for
    /// domain errors, `UNKNOWN_METHOD` / `INVALID_PARAMS` / `INTERNAL` otherwise).
    public func handle(method: String, params: JSONValue) async -> Result<JSONValue, WireFailure> {
        guard let handler = handlers[method] else {
            return .failure(WireFailure(["code": "UNKNOWN_METHOD", "message": .string("unknown method \(method)")]))
        }
        do {
            return .success(try await handler(params))
        } catch let error as SCSError {
            return .failure(WireFailure(error.wire))
        } catch let error as WireError {
            return .failure(WireFailure(["code": "INVALID_PARAMS", "message": .string(error.description)]))
        } catch {
            return .failure(WireFailure(["code": "INTERNAL", "message": .string("internal error (\(type(of: error)))")]))
        }
    }

    public var methods: [String] { handlers.keys.sorted() }
}

/// The error object of a failed request.
public struct WireFailure: Error, Sendable {
    public let payload: JSONValue
    public init(_ payload: JSONValue) { self.payload = payload }
}
