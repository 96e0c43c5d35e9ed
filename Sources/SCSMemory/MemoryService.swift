public import SCSCore
public import SCSStorage
public import OrderedCollections

/// Agent memory with the Python server's validation order and messages (docs/CONTRACT.md
/// §6), TTL enforced on every read, and a literal list prefix. Callers pass the
/// already authenticated identity; the service enforces the write permission itself too.
public struct MemoryService: Sendable {
    let store: any MemoryStore
    let clock: any WallClock

    public init(store: any MemoryStore, clock: any WallClock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    public func set(_ request: MemorySetRequest) async throws -> MemoryEntry {
        let key = try Self.validatedKey(request.key)
        guard request.agent.canWrite else { throw SCSError.writeRequired(request.agent.permissions) }
        try Self.checkSizes(value: request.value, metadata: request.metadata)
        let ttl = try Self.ttlSeconds(request.expiresIn)
        let now = clock.now()
        return try await store.putMemory(
            MemoryWrite(
                agentID: request.agent.agentID, key: key, scope: MemoryScope(sessionID: request.sessionID),
                value: request.value, metadata: request.metadata, expiresAt: ttl.map { now + Double($0) },
                overwrite: request.overwrite
            ),
            now: now
        )
    }

    /// The caller's live entry in exactly that scope, else MEMORY_NOT_FOUND.
    public func get(_ request: MemoryEntryRequest) async throws -> MemoryEntry {
        guard let entry = try await store.memory(
            agentID: request.agent.agentID, key: request.key, scope: MemoryScope(sessionID: request.sessionID), now: clock.now()
        ) else { throw SCSError.memoryNotFound(request.key) }
        return entry
    }

    /// The caller's live entries in the request's scope; without their values unless it asks for them.
    public func list(_ request: MemoryListRequest) async throws -> [MemoryEntry] {
        let entries = try await store.listMemory(
            agentID: request.agent.agentID, scope: request.scope, prefix: request.prefix, limit: request.limit, now: clock.now())
        return request.includeValues ? entries : entries.map(\.withoutValue)
    }

    public func delete(_ request: MemoryEntryRequest) async throws {
        guard request.agent.canWrite else { throw SCSError.writeRequired(request.agent.permissions) }
        let deleted = try await store.deleteMemory(
            agentID: request.agent.agentID, key: request.key, scope: MemoryScope(sessionID: request.sessionID), now: clock.now()
        )
        guard deleted else { throw SCSError.memoryNotFound(request.key) }
    }

    /// A value of at most `Limits.memoryValueBytes` bytes of compact JSON and metadata of at most
    /// `Limits.metadataLength` characters, else MEMORY_LIMIT_EXCEEDED (nothing is stored).
    public static func checkSizes(value: JSONValue, metadata: JSONObject?) throws {
        let valueBytes = value.compactBytes.count
        guard valueBytes <= Limits.memoryValueBytes else {
            throw SCSError.memoryLimitExceeded("value (bytes of JSON)", size: valueBytes, limit: Limits.memoryValueBytes)
        }
        if let metadata {
            let length = JSONValue.object(metadata).compactText.unicodeScalars.count
            guard length <= Limits.metadataLength else {
                throw SCSError.memoryLimitExceeded("metadata (characters of JSON)", size: length, limit: Limits.metadataLength)
            }
        }
    }

    /// Trimmed key, 1–255 characters, no space, newline or tab.
    public static func validatedKey(_ raw: String) throws -> String {
        let key = TextSanitizer.trimmed(raw)
        guard !key.isEmpty else {
            throw SCSError.invalidKey(
                "Memory key cannot be empty after trimming whitespace", context: ["field": "key", "requirement": "non_empty_string"])
        }
        let length = key.unicodeScalars.count
        guard length <= MemoryEntry.maxKeyLength else {
            throw SCSError.invalidKey(
                "Memory key too long (max 255 characters)", context: ["key_length": .int(Int64(length)), "max_length": 255])
        }
        guard !key.unicodeScalars.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) else {
            throw SCSError.invalidKey(
                "Memory key contains invalid characters. Keys cannot contain spaces, newlines, or tabs",
                context: ["invalid_key": .string(key), "allowed_characters": "alphanumeric, underscore, dash"])
        }
        return key
    }

    /// nil for permanent; throws INVALID_TTL_FORMAT / INVALID_TTL_VALUE like the Python server.
    public static func ttlSeconds(_ value: JSONValue?) throws -> Int64? {
        let seconds: Int64
        switch value {
        case nil, .null?: return nil
        case .int(let i)?: seconds = i
        case .double(let d)? where d.rounded(.towardZero) == d && abs(d) < 9e15: seconds = Int64(d)
        case .string(let text)?:
            guard let parsed = Int64(TextSanitizer.trimmed(text).replacingUnderscoresForPython()) else {
                throw SCSError(
                    code: .invalidTTLFormat, message: "Invalid expires_in format: invalid literal for int() with base 10: '\(text)'",
                    severity: .warning)
            }
            seconds = parsed
        case let other?:
            throw SCSError(code: .invalidTTLFormat, message: "Invalid expires_in format: \(other.typeName) is not an integer", severity: .warning)
        }
        guard seconds >= 0 else { throw SCSError(code: .invalidTTLValue, message: "expires_in cannot be negative") }
        guard seconds <= MemoryEntry.maxTTLSeconds else {
            throw SCSError(code: .invalidTTLValue, message: "expires_in cannot exceed 1 year (31536000 seconds)")
        }
        return seconds == 0 ? nil : seconds
    }
}

extension String {
    /// Python's `int()` accepts digit-group underscores (`1_000`) and a leading `+`.
    func replacingUnderscoresForPython() -> String {
        var text = self
        if text.hasPrefix("+") { text.removeFirst() }
        guard text.contains("_") else { return text }
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty } ? parts.joined() : text
    }
}
