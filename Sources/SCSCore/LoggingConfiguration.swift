/// Log verbosity (`LOG_LEVEL`: DEBUG, INFO, WARNING, ERROR, CRITICAL — the Python names — or
/// trace/debug/info/notice/warning/error/critical).
public struct LoggingConfiguration: Sendable, Equatable {
    public enum Level: String, Sendable, Equatable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    public var level: Level

    public init(level: Level = .info) { self.level = level }

    public init(environment env: ConfigEnvironment) throws(ConfigurationError) {
        guard let text = env["LOG_LEVEL"]?.lowercased() else {
            self.init()
            return
        }
        switch text {
        case "warn": self.init(level: .warning)
        case "fatal": self.init(level: .critical)
        default:
            guard let level = Level(rawValue: text) else {
                throw ConfigurationError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not '\(text)'")
            }
            self.init(level: level)
        }
    }
}
