public import SCSCore
public import OrderedCollections

/// The rules every driver applies before it writes, and how JSON columns are stored and read
/// back: one place, so the SQLite and PostgreSQL drivers cannot drift apart.
extension NewSession {
    /// The session to store: a purpose that is not blank, empty metadata stored as none.
    public func validated() throws -> Session {
        guard !TextSanitizer.trimmed(purpose).isEmpty else { throw SCSError.emptyAfterSanitization(field: "purpose") }
        return Session(
            id: id, purpose: purpose, createdBy: createdBy, createdAt: createdAt, updatedAt: createdAt,
            metadata: metadata?.isEmpty == true ? nil : metadata)
    }
}

extension NewMessage {
    /// Checks content (fits, not blank) and returns the metadata to store (empty → none).
    public func validatedMetadata() throws -> JSONObject? {
        let length = content.unicodeScalars.count
        guard length <= Message.maxContentLength else { throw SCSError.contentTooLarge(length: length) }
        guard !TextSanitizer.trimmed(content).isEmpty else { throw SCSError.emptyAfterSanitization(field: "content") }
        return metadata?.isEmpty == true ? nil : metadata
    }
}

/// JSON as the drivers keep it in text columns.
public enum StoredJSON {
    /// Metadata to store: compact JSON, with absent or empty objects stored as NULL.
    public static func text(_ object: JSONObject?) -> String? {
        guard let object, !object.isEmpty else { return nil }
        return JSONValue.object(object).compactText
    }

    /// Stored metadata: a non-empty object, else none.
    public static func object(_ text: String?) -> JSONObject? {
        guard let text, let parsed = try? JSONValue.parse(text), case .object(let object) = parsed, !object.isEmpty else { return nil }
        return object
    }

    /// A stored memory value: JSON when it parses, else the raw text (Python stored strings raw).
    public static func value(_ text: String) -> JSONValue {
        (try? JSONValue.parse(text)) ?? .string(text)
    }
}
