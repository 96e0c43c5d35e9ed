public import SCSCore
public import OrderedCollections

/// JSON-RPC 2.0 as MCP uses it.
public enum JSONRPC {
    /// Standard error codes.
    public enum ErrorCode: Int64, Sendable {
        case parseError = -32700
        case invalidRequest = -32600
        case methodNotFound = -32601
        case invalidParams = -32602
        case internalError = -32603
    }

    /// A request id: a string or an integer (`null` only in error replies to unparseable input).
    public enum ID: Sendable, Hashable {
        case int(Int64)
        case string(String)

        public var json: JSONValue {
            switch self {
            case .int(let value): return .int(value)
            case .string(let value): return .string(value)
            }
        }

        init?(_ value: JSONValue) {
            switch value {
            case .int(let i): self = .int(i)
            case .string(let s): self = .string(s)
            case .double(let d) where d.rounded() == d && abs(d) < 9e15: self = .int(Int64(d))
            default: return nil
            }
        }
    }

    /// One incoming message.
    public enum Message: Sendable, Equatable {
        case request(id: ID, method: String, params: JSONObject)
        case notification(method: String, params: JSONObject)
        /// A response or error from the client (answers to server requests).
        case response(id: ID?, body: JSONValue)
    }

    /// A parse or shape failure, with the id when it could be read.
    public struct Failure: Error, Sendable, Equatable {
        public let code: ErrorCode
        public let message: String
        public let id: ID?
    }

    /// Parses one message object.
    public static func message(_ value: JSONValue) throws(Failure) -> Message {
        guard case .object(let object) = value else {
            throw Failure(code: .invalidRequest, message: "Invalid Request: a message must be a JSON object", id: nil)
        }
        let id = object["id"].flatMap(ID.init)
        guard object["jsonrpc"] == "2.0" else {
            throw Failure(code: .invalidRequest, message: "Invalid Request: jsonrpc must be \"2.0\"", id: id)
        }
        if object["result"] != nil || object["error"] != nil {
            return .response(id: id, body: value)
        }
        guard let method = object["method"]?.stringValue else {
            throw Failure(code: .invalidRequest, message: "Invalid Request: method must be a string", id: id)
        }
        let params: JSONObject
        switch object["params"] {
        case nil, .null?: params = [:]
        case .object(let given)?: params = given
        default: throw Failure(code: .invalidParams, message: "Invalid params: params must be an object", id: id)
        }
        if let raw = object["id"] {
            guard let id = ID(raw) else {
                throw Failure(code: .invalidRequest, message: "Invalid Request: id must be a string or an integer", id: nil)
            }
            return .request(id: id, method: method, params: params)
        }
        return .notification(method: method, params: params)
    }

    /// Parses a request body: one message, or a batch (a non-empty array).
    public static func body(_ bytes: [UInt8]) throws(Failure) -> [Result<Message, Failure>] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw Failure(code: .parseError, message: "Parse error: \(error.description)", id: nil)
        }
        if case .array(let items) = value {
            guard !items.isEmpty else { throw Failure(code: .invalidRequest, message: "Invalid Request: empty batch", id: nil) }
            return items.map { item in Result { () throws(Failure) in try message(item) } }
        }
        return [Result { () throws(Failure) in try message(value) }]
    }

    public static func result(id: ID, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id.json, "result": result]
    }

    public static func error(id: ID?, code: ErrorCode, message: String, data: JSONValue? = nil) -> JSONValue {
        var error: JSONObject = ["code": .int(code.rawValue), "message": .string(message)]
        if let data { error["data"] = data }
        return ["jsonrpc": "2.0", "id": id?.json ?? .null, "error": .object(error)]
    }
}
