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
        // Workers reach the same database: the SQLite file, or the PostgreSQL URL (its password
        // included: a worker connects on its own; the environment of a process is readable only
        // by its user).
        let database: (String, String) = switch configuration.storage.backend {
        case .sqlite(let path): ("DATABASE_PATH", path)
        case .postgres(let url): ("DATABASE_URL", url)
        }
        var workerEnvironment = [
            database.0: database.1, "LOG_LEVEL": configuration.logging.level.rawValue,
            "POSTGRESQL_POOL_SIZE": String(configuration.storage.postgresPoolSize),
            "POSTGRESQL_TIMEOUT": String(configuration.storage.postgresTimeout),
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
