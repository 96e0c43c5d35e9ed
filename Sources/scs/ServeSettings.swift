import Foundation
import SCSAuth
import SCSCore
import SCSStorage
import SCSStorageSQLite
import SCSSupervisor

/// Everything `scs serve` reads before it starts anything.
struct ServeSettings {
    var configuration: SCSConfiguration
    var secrets: SecretsConfiguration
    var environment: ConfigEnvironment
    /// Nil when neither ADMIN_PASSWORD nor ADMIN_PASSWORD_HASH is set (the dashboard is off).
    var dashboardPassword: DashboardPassword?
    var processEnvironment: [String: String] { ProcessInfo.processInfo.environment }

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
        let password: DashboardPassword?
        do {
            password = try DashboardPassword(password: secrets.adminPassword, hash: secrets.adminPasswordHash)
        } catch {
            throw ConfigurationError(error.description)
        }
        return ServeSettings(configuration: configuration, secrets: secrets, environment: environment, dashboardPassword: password)
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

    /// Worker options: a private runtime directory and an environment with only what workers
    /// need (database location, log level) — never the secrets.
    func supervisorOptions() throws -> SupervisorOptions {
        let runtime = configuration.workers.runtimeDirectory
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var info = stat()
        guard lstat(runtime, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else {
            throw ConfigurationError("the runtime directory \(runtime) is not a directory owned by this user")
        }
        chmod(runtime, 0o700)
        for stale in (try? FileManager.default.contentsOfDirectory(atPath: runtime)) ?? [] where stale.hasSuffix(".sock") {
            unlink(runtime + "/" + stale)
        }
        guard case .sqlite(let path) = configuration.storage.backend else {
            throw ConfigurationError("only SQLite storage is supported by this build")
        }
        var workerEnvironment = [
            "DATABASE_PATH": path, "LOG_LEVEL": configuration.logging.level.rawValue,
            "LOG_FORMAT": configuration.logging.format.rawValue,
            "SCS_SQLITE_SYNCHRONOUS": configuration.storage.synchronous.rawValue,
            "SCS_MAX_FRAME_BYTES": String(configuration.workers.maxFrameBytes), "PATH": "/usr/bin:/bin",
            "SCS_SEARCH_INDEX_BYTES": String(configuration.workers.searchIndexBytes),
        ]
        for passthrough in ["SCS_SWEEP_INTERVAL", "LANG", "TZ"] {
            if let value = environment[passthrough] { workerEnvironment[passthrough] = value }
        }
        var options = SupervisorOptions(
            runtimeDirectory: runtime, searchWorkers: configuration.workers.searchPoolSize,
            workerEnvironment: workerEnvironment, maximumFrameBytes: configuration.workers.maxFrameBytes,
            version: SCSVersion.current)
        options.affinity = configuration.workers.searchAffinity
        return options
    }
}
