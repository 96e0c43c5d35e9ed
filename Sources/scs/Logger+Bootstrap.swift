import Logging
import SCSCore

extension Logger {
    /// Bootstraps swift-log once for the process (stderr, in `configuration.format`) and returns
    /// a logger at its level. Every line logged inside a request carries `request_id`.
    static func bootstrapped(label: String, _ configuration: LoggingConfiguration) -> Logger {
        let level = Logger.Level(configuration.level)
        let format = configuration.format
        LoggingSystem.bootstrap({ label, provider in
            var handler: any LogHandler
            switch format {
            case .text: handler = LazyMetadataLogHandler(StreamLogHandler.standardError(label: label, metadataProvider: provider))
            case .json: handler = JSONLogHandler(label: label, metadataProvider: provider)
            }
            handler.logLevel = level
            return handler
        }, metadataProvider: .requestScope)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

extension Logger.MetadataProvider {
    /// `request_id` of the request the logging task serves (`RequestScope.id`).
    static let requestScope = Logger.MetadataProvider {
        guard let id = RequestScope.id else { return [:] }
        return ["request_id": .string(id)]
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
