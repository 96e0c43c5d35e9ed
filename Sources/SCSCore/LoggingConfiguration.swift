/// Log verbosity (`LOG_LEVEL`: DEBUG, INFO, WARNING, ERROR, CRITICAL — the Python names — or
/// trace/debug/info/notice/warning/error/critical) and line format (`LOG_FORMAT`: text or json).
public struct LoggingConfiguration: Sendable, Equatable {
    public enum Level: String, Sendable, Equatable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// `text`: swift-log's line format; `json`: one JSON object per line (time, level, label,
    /// message, then the metadata as string fields).
    public enum Format: String, Sendable, Equatable, CaseIterable {
        case text, json
    }

    public var level: Level
    public var format: Format

    public init(level: Level = .info, format: Format = .text) {
        self.level = level
        self.format = format
    }

    public init(environment env: ConfigEnvironment) throws(ConfigurationError) {
        var format = Format.text
        if let text = env["LOG_FORMAT"]?.lowercased() {
            guard let given = Format(rawValue: text) else { throw ConfigurationError("LOG_FORMAT must be text or json, not '\(text)'") }
            format = given
        }
        var level = Level.info
        if let text = env["LOG_LEVEL"]?.lowercased() {
            switch text {
            case "warn": level = .warning
            case "fatal": level = .critical
            default:
                guard let given = Level(rawValue: text) else {
                    throw ConfigurationError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not '\(text)'")
                }
                level = given
            }
        }
        self.init(level: level, format: format)
    }
}
