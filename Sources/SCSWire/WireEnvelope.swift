public import NIOCore
public import SCSCore
import OrderedCollections

/// Protocol constants.
public enum WireProtocol {
    public static let version: Int64 = 1
    public static let defaultMaximumFrameBytes = 16 << 20
    /// Seconds a call waits for its answer (a search of a very large session takes well under 5).
    public static let defaultCallTimeout = 30.0
    /// Requests one connection may have in flight at a worker; more are refused with a
    /// retryable WORKER_UNAVAILABLE instead of each starting a task.
    public static let maximumInFlightPerConnection = 256
}

/// Who is speaking on a connection.
public enum WireRole: String, Sendable, CaseIterable {
    case search, memory, supervisor
}

/// The first frame each way.
public struct Hello: Sendable, Equatable {
    public var role: WireRole
    public var pid: Int32
    public var version: String
    public var protocolVersion: Int64

    public init(role: WireRole, pid: Int32, version: String, protocolVersion: Int64 = WireProtocol.version) {
        self.role = role
        self.pid = pid
        self.version = version
        self.protocolVersion = protocolVersion
    }
}

/// One frame's JSON object.
public enum WireEnvelope: Sendable, Equatable {
    case hello(Hello)
    /// `requestID`: the id of the client request this call serves, for the worker's log lines.
    case request(id: Int64, method: String, params: JSONValue, requestID: String? = nil)
    case response(id: Int64, result: JSONValue)
    case failure(id: Int64, error: JSONValue)
    case event(name: String, data: JSONValue)

    public var json: JSONValue {
        switch self {
        case .hello(let hello):
            return ["hello": [
                "protocol": .int(hello.protocolVersion), "role": .string(hello.role.rawValue),
                "pid": .int(Int64(hello.pid)), "version": .string(hello.version),
            ]]
        case .request(let id, let method, let params, let requestID):
            var object: JSONObject = ["id": .int(id), "method": .string(method), "params": params]
            if let requestID { object["rid"] = .string(requestID) }
            return .object(object)
        case .response(let id, let result): return ["id": .int(id), "result": result]
        case .failure(let id, let error): return ["id": .int(id), "error": error]
        case .event(let name, let data): return ["event": .string(name), "data": data]
        }
    }

    /// Parses a frame payload; anything that is not one of the five shapes is a protocol error.
    public init(frame: ByteBuffer) throws(WireError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(frame.readableBytesView)
        } catch {
            throw WireError.protocolError("frame is not valid JSON (\(error.reason) at byte \(error.offset))")
        }
        try self.init(json: value)
    }

    public init(json value: JSONValue) throws(WireError) {
        guard case .object(let object) = value else { throw WireError.protocolError("frame is not a JSON object") }
        if let hello = object["hello"] {
            guard let role = hello["role"]?.stringValue.flatMap(WireRole.init(rawValue:)),
                let version = hello["protocol"]?.intValue, let pid = hello["pid"]?.intValue
            else { throw WireError.protocolError("malformed hello") }
            self = .hello(Hello(role: role, pid: Int32(truncatingIfNeeded: pid), version: hello["version"]?.stringValue ?? "", protocolVersion: version))
        } else if let name = object["event"]?.stringValue {
            self = .event(name: name, data: object["data"] ?? .null)
        } else if let id = object["id"]?.intValue {
            if let method = object["method"]?.stringValue {
                self = .request(
                    id: id, method: method, params: object["params"] ?? [:], requestID: RequestScope.accept(object["rid"]?.stringValue))
            } else if let result = object["result"] {
                self = .response(id: id, result: result)
            } else if let error = object["error"] {
                self = .failure(id: id, error: error)
            } else {
                throw WireError.protocolError("frame with an id but no method, result or error")
            }
        } else {
            throw WireError.protocolError("frame is not a hello, request, response or event")
        }
    }

    /// The request id at the start of a frame written by `json` (`{"id":<digits>,…`), read
    /// without parsing the rest: an answer that is too large or malformed still names its request.
    public static func leadingID(_ bytes: some Collection<UInt8>) -> Int64? {
        let prefix = Array(#"{"id":"#.utf8)
        guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return nil }
        var id: Int64 = 0
        var digits = 0
        for byte in bytes.dropFirst(prefix.count) {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            guard digits < 18 else { return nil }
            id = id * 10 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? id : nil
    }

    public func buffer(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        let bytes = json.compactBytes
        var buffer = allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return buffer
    }
}
