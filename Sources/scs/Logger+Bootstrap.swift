import Logging
import SCSCore

extension Logger {
    /// Bootstraps swift-log once for the process (stderr) and returns a logger at `level`.
    static func bootstrapped(label: String, level: LoggingConfiguration.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = LazyMetadataLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = Logger.Level(level)
            return handler
        }
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(level)
        return logger
    }
}

extension Logger.Level {
    init(_ level: LoggingConfiguration.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }
}
