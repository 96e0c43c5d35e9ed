import ArgumentParser
import Foundation
import Logging
import SCSCore
import SCSStorage
import SCSStorageSQLite

/// `scs serve`: the supervisor.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the server (supervisor) on the configured storage.",
        discussion: """
            Reads the environment and env files. Settings (Python server names where they exist):
              API_KEY, JWT_SECRET_KEY, JWT_ENCRYPTION_KEY  required, >= 32 bytes each (`scs setup`)
              DATABASE_URL      sqlite:///path or postgresql://… (wins over DATABASE_PATH)
              DATABASE_PATH     SQLite file (default <data dir>/scs.db)
              SCS_DATA_DIR      data directory (default $STATE_DIRECTORY, else ~/.local/share/shared-context-server)
              HTTP_HOST, HTTP_PORT   listen address (default 127.0.0.1:23456)
              LOG_LEVEL         DEBUG, INFO, WARNING, ERROR, CRITICAL (default INFO)
              SCS_SQLITE_SYNCHRONOUS   NORMAL (default) or FULL
              JWT_TOKEN_EXPIRY, AUDIT_LOG_RETENTION_DAYS, CORS_ORIGINS, SCS_SEARCH_WORKERS
            Exits 78 when the configuration is unusable (e.g. missing secrets).
            """
    )

    @OptionGroup var environment: EnvironmentOptions

    @Option(help: "Listen address (overrides HTTP_HOST).")
    var host: String?

    @Option(help: "Listen port (overrides HTTP_PORT).")
    var port: Int?

    func run() async throws {
        // Database, lock and socket files hold private data: nobody else may read them.
        umask(0o077)
        let settings: ServeSettings
        do {
            settings = try ServeSettings.load(environment: environment, host: host, port: port)
        } catch let error as ConfigurationError {
            printError("scs serve: \(error.message)")
            throw ExitCode(ConfigurationError.exitCode)
        }
        let logger = Logger.bootstrapped(label: "scs.supervisor", level: settings.configuration.logging.level)
        let storage: any Storage
        do {
            storage = try settings.openStorage()
        } catch let error as ConfigurationError {
            printError("scs serve: \(error.message)")
            throw ExitCode(ConfigurationError.exitCode)
        } catch {
            logger.critical("cannot open storage", metadata: ["error": "\(error)"])
            throw ExitCode(69)
        }
        let migrations = try await storage.appliedMigrations()
        logger.info(
            "storage ready",
            metadata: [
                "backend": "\(storage.backendName)", "migrations": "\(migrations)",
                "data_dir": "\(settings.configuration.dataDirectory)",
            ]
        )
        logger.info("scs serve running; stop with SIGTERM or Ctrl-C", metadata: ["pid": "\(getpid())"])
        let signal = await SignalWaiter.wait(for: [SIGTERM, SIGINT])
        logger.info("shutting down", metadata: ["signal": "\(signal)"])
        try await storage.close()
    }
}
