import Foundation
import SCSCore
import SCSStorage
import SCSStorageSQLite

/// Everything `scs serve` reads before it starts anything.
struct ServeSettings {
    var configuration: SCSConfiguration
    var secrets: SecretsConfiguration
    var environment: ConfigEnvironment

    /// Reads env files and the environment; throws `ConfigurationError` (exit 78) on any problem.
    static func load(environment options: EnvironmentOptions, host: String?, port: Int?) throws -> ServeSettings {
        let environment: ConfigEnvironment
        do {
            environment = try options.loadEnvironment()
        } catch {
            throw ConfigurationError("cannot read the env file: \(error)")
        }
        let secrets = try SecretsConfiguration(environment: environment)
        var configuration = try SCSConfiguration(
            environment: environment, workingDirectory: FileManager.default.currentDirectoryPath,
            cores: ProcessInfo.processInfo.activeProcessorCount
        )
        if let host { configuration.http.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ConfigurationError("--port must be in 0...65535") }
            configuration.http.port = port
        }
        return ServeSettings(configuration: configuration, secrets: secrets, environment: environment)
    }

    /// Picks the storage driver (the executable is the only place that does).
    func openStorage() throws -> any Storage {
        switch configuration.storage.backend {
        case .sqlite:
            return try SQLiteStorage(configuration: configuration.storage, schema: .migrate)
        case .postgres:
            throw ConfigurationError("DATABASE_URL names PostgreSQL, which this build does not support yet; use sqlite:///path")
        }
    }
}
