public import SCSCore
import OrderedCollections

/// Failures of the worker protocol itself. Descriptions never include frame contents.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Malformed framing or envelope: the connection is closed.
    case protocolError(String)
    /// The peer closed the connection or died with the request in flight (outcome unknown).
    case connectionLost
    /// The peer answered with an error this side could not map to a domain error.
    case remote(code: String, message: String)
    /// The connection was refused or the handshake failed.
    case handshakeFailed(String)
    /// No answer within the call's deadline (outcome unknown; the connection stays open).
    case timedOut(seconds: Double)

    public var description: String {
        switch self {
        case .protocolError(let reason): return "protocol error: \(reason)"
        case .connectionLost: return "connection lost"
        case .remote(let code, let message): return "\(code): \(message)"
        case .handshakeFailed(let reason): return "handshake failed: \(reason)"
        case .timedOut(let seconds): return "no answer within \(seconds) s"
        }
    }
}

/// Wire form of an `SCSError` (all envelope parts, so nothing is lost across processes).
extension SCSError {
    public var wire: JSONValue {
        var object: JSONObject = [
            "code": .string(code.rawValue), "message": .string(message), "severity": .string(severity.rawValue),
            "recoverable": .bool(recoverable),
        ]
        if !suggestions.isEmpty { object["suggestions"] = .array(suggestions.map(JSONValue.string)) }
        if !context.isEmpty { object["context"] = .object(context) }
        if let retryAfter { object["retry_after"] = .int(Int64(retryAfter)) }
        if !relatedResources.isEmpty { object["related_resources"] = .array(relatedResources.map(JSONValue.string)) }
        return .object(object)
    }

    /// Nil unless `wire` is a domain error (protocol failures such as UNKNOWN_METHOD carry no severity).
    public init?(wire: JSONValue) {
        guard let code = wire["code"]?.stringValue, let message = wire["message"]?.stringValue, wire["severity"] != nil
        else { return nil }
        self.init(
            code: Code(code), message: message,
            severity: wire["severity"]?.stringValue.flatMap(Severity.init(rawValue:)) ?? .error,
            recoverable: wire["recoverable"]?.boolValue ?? true,
            suggestions: wire["suggestions"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            context: wire["context"]?.objectValue ?? [:],
            retryAfter: wire["retry_after"]?.intValue.map { Int($0) },
            relatedResources: wire["related_resources"]?.arrayValue?.compactMap(\.stringValue) ?? []
        )
    }
}
