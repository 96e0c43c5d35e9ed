public import OrderedCollections

/// An application error: rendered to agents as the envelope of docs/CONTRACT.md §2
/// (`success:false, error, code, severity, recoverable, timestamp, …`).
///
/// The description is the human sentence only; it never carries a token or secret, because the
/// catalogue constructors never put one in.
public struct SCSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, semantic error code (`SESSION_NOT_FOUND`, …). New codes can be added freely.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    public enum Severity: String, Sendable, Hashable {
        case warning, error, critical
    }

    public var code: Code
    public var message: String
    public var severity: Severity
    public var recoverable: Bool
    public var suggestions: [String]
    public var context: JSONObject
    /// Seconds a client should wait before retrying.
    public var retryAfter: Int?
    public var relatedResources: [String]

    public init(
        code: Code, message: String, severity: Severity = .error, recoverable: Bool = true,
        suggestions: [String] = [], context: JSONObject = [:], retryAfter: Int? = nil,
        relatedResources: [String] = []
    ) {
        self.code = code
        self.message = message
        self.severity = severity
        self.recoverable = recoverable
        self.suggestions = suggestions
        self.context = context
        self.retryAfter = retryAfter
        self.relatedResources = relatedResources
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The envelope, keys in the Python server's order; empty optional parts are omitted.
    public func envelope(timestamp: String) -> JSONObject {
        var object: JSONObject = [
            "success": false,
            "error": .string(message),
            "code": .string(code.rawValue),
            "severity": .string(severity.rawValue),
            "recoverable": .bool(recoverable),
            "timestamp": .string(timestamp),
        ]
        if !suggestions.isEmpty { object["suggestions"] = .array(suggestions.map(JSONValue.string)) }
        if !context.isEmpty { object["context"] = .object(context) }
        if let retryAfter { object["retry_after"] = .int(Int64(retryAfter)) }
        if !relatedResources.isEmpty { object["related_resources"] = .array(relatedResources.map(JSONValue.string)) }
        return object
    }
}

extension SCSError.Code {
    public static let sessionNotFound = Self("SESSION_NOT_FOUND")
    public static let sessionClosed = Self("SESSION_CLOSED")
    public static let memoryNotFound = Self("MEMORY_NOT_FOUND")
    public static let messageNotFound = Self("MESSAGE_NOT_FOUND")
    public static let permissionDenied = Self("PERMISSION_DENIED")
    public static let invalidInput = Self("INVALID_INPUT")
    public static let invalidKey = Self("INVALID_KEY")
    public static let keyExists = Self("KEY_EXISTS")
    public static let invalidVisibility = Self("INVALID_VISIBILITY")
    public static let invalidParentMessage = Self("INVALID_PARENT_MESSAGE")
    public static let contentTooLarge = Self("CONTENT_TOO_LARGE")
    public static let metadataTooLarge = Self("METADATA_TOO_LARGE")
    public static let invalidTTLFormat = Self("INVALID_TTL_FORMAT")
    public static let invalidTTLValue = Self("INVALID_TTL_VALUE")
    public static let invalidDatetime = Self("INVALID_DATETIME")
    public static let invalidGuidanceType = Self("INVALID_GUIDANCE_TYPE")
    public static let authFailed = Self("AUTH_FAILED")
    public static let invalidTokenFormat = Self("INVALID_TOKEN_FORMAT")
    public static let tokenAuthenticationFailed = Self("TOKEN_AUTHENTICATION_FAILED")
    public static let tokenRefreshFailed = Self("TOKEN_REFRESH_FAILED")
    public static let tokenNotFound = Self("TOKEN_NOT_FOUND")
    public static let workerUnavailable = Self("WORKER_UNAVAILABLE")
    public static let databaseUnavailable = Self("DATABASE_UNAVAILABLE")
    public static let memoryLimitExceeded = Self("MEMORY_LIMIT_EXCEEDED")
    public static let resultTooLarge = Self("RESULT_TOO_LARGE")
    public static let limitReached = Self("LIMIT_REACHED")
}
