#if canImport(Glibc)
    import Glibc
#endif
import Logging
import SCSCore
import OrderedCollections

/// `LOG_FORMAT=json`: one JSON object per line on stderr — `time` (ISO 8601 UTC), `level`,
/// `label`, `message`, `source`, then every metadata key (the handler's, the provider's
/// `request_id`, the line's own) as a string field. One `write` per line, so lines of
/// concurrent tasks never interleave.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, metadataProvider: Logger.MetadataProvider?) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: JSONObject = [:]
        for (key, value) in metadata { fields[key] = .string(Self.text(value)) }
        for (key, value) in metadataProvider?.get() ?? [:] { fields[key] = .string(Self.text(value)) }
        for (key, value) in event.metadata ?? [:] { fields[key] = .string(Self.text(value)) }
        fields["time"] = .string(Timestamp.iso(SystemClock().now()))
        fields["level"] = .string(event.level.rawValue)
        fields["label"] = .string(label)
        fields["message"] = .string(event.message.description)
        fields["source"] = .string(event.source)
        var line = JSONValue.object(fields).compactBytes
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array, .dictionary: value.description
        }
    }
}
