import ArgumentParser
import Foundation
import Logging
import SCSApplication
import SCSHTTP
import SCSCore
import SCSStorage
import SCSStoragePostgres
import SCSSupervisor

/// `scs serve`: the supervisor.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the server (supervisor) on the configured storage.",
        discussion: """
            Reads the environment and env files. Settings (Python server names where they exist):
              API_KEY, JWT_SECRET_KEY, JWT_ENCRYPTION_KEY  required, >= 32 bytes each (`scs setup`)
              DATABASE_URL      sqlite:///path or postgresql://user:pw@host:port/db?sslmode=… (wins over DATABASE_PATH;
                                PostgreSQL on another machine defaults to verify-full, see docs/POSTGRESQL.md)
              POSTGRESQL_POOL_SIZE  PostgreSQL connections (default 20)
              POSTGRESQL_TIMEOUT    seconds a statement may wait or run before DATABASE_UNAVAILABLE (default 10)
              DATABASE_PATH     SQLite file (default <data dir>/scs.db)
              SCS_DATA_DIR      data directory (default $STATE_DIRECTORY, else ~/.local/share/shared-context-server)
              HTTP_HOST, HTTP_PORT   listen address (default 127.0.0.1:23456)
              LOG_LEVEL         DEBUG, INFO, WARNING, ERROR, CRITICAL (default INFO)
              LOG_FORMAT        text (default) or json: one JSON object per line; lines of a
                                request carry its request_id (X-Request-ID), in workers too
              SCS_SQLITE_SYNCHRONOUS   NORMAL (default) or FULL
              SCS_SEARCH_WORKERS       search worker processes (default: number of cores)
              SCS_SEARCH_AFFINITY      on (default): a session's searches go to one worker; off: least busy
              JWT_TOKEN_EXPIRY, AUDIT_LOG_RETENTION_DAYS, CORS_ORIGINS
              SCS_QUOTA_WRITES_PER_SECOND, SCS_QUOTA_SEARCHES_PER_SECOND, SCS_QUOTA_SESSIONS_PER_HOUR
                                per-agent quotas (200, 100, 1000); past one: RATE_LIMITED with retry_after
              IDENTITY_MODE     open (default: the API key may claim any agent id) or verified (every
                                caller presents its registered agent key, `scs agents add`)
              ADMIN_API_KEY     optional: admin only for authenticate_agent calls that present it
              SCS_METRICS_TOKEN optional: a bearer token that reads /metrics (the API key does too)
              ADMIN_PASSWORD, ADMIN_PASSWORD_HASH   the web dashboard (/ui/) operator's password or its
                                hash (`scs setup --admin-password`); neither: the dashboard is off
              DASHBOARD_SECURE_COOKIE   true: the dashboard's cookies are Secure (behind TLS)
              DASHBOARD_HOSTS   host names the dashboard answers to (others: 421); links to them are inert
              TRUSTED_PROXIES   CIDRs whose X-Forwarded-For names the client (sign-in throttle)
              SCS_MAX_CONNECTIONS, SCS_HTTP_IDLE_TIMEOUT, SCS_MAX_BODY_BYTES   HTTP limits (1024, 120 s, 4 MiB)
              SCS_MAX_CONNECTIONS_PER_CLIENT   connections per client address or IPv6 /64 (a quarter of the above)
              SCS_HTTP_REQUEST_TIMEOUT   seconds for a request head, and per body stretch at 1 KiB/s (15)
            Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP restarts all workers (rolling).
            Exits 78 when the configuration is unusable (e.g. missing secrets), 75 when another
            scs serve holds the data directory.
            """
    )

    @OptionGroup var environment: EnvironmentOptions

    @Option(help: "Listen address (overrides HTTP_HOST).")
    var host: String?

    @Option(help: "Listen port (overrides HTTP_PORT; 0 picks a free port).")
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
        let configuration = settings.configuration
        let logger = Logger.bootstrapped(label: "scs.supervisor", configuration.logging)
        // Before storage and tools make their metrics, or those would report nowhere.
        let metrics = ServerMetrics.bootstrap()
        let lock: DataDirectoryLock
        do {
            lock = try DataDirectoryLock(directory: configuration.dataDirectory)
        } catch {
            printError("scs serve: \(error)")
            throw ExitCode(75)
        }
        let storage: any Storage
        do {
            storage = try await StorageOpener.open(configuration.storage, role: .supervisor, logger: logger)
        } catch let error as ConfigurationError {
            printError("scs serve: \(error.message)")
            throw ExitCode(ConfigurationError.exitCode)
        } catch {
            logger.critical("cannot open storage", metadata: ["error": "\(error)"])
            throw ExitCode(69)
        }
        var parts = ServerParts(
            storage: storage, secrets: settings.secrets, configuration: configuration, supervisorOptions: try settings.supervisorOptions(),
            version: SCSVersion.current, logger: logger)
        parts.metrics = metrics
        parts.dashboardPassword = settings.dashboardPassword
        parts.peers = (storage as? PostgresStorage).map { PostgresPeerChannel(storage: $0, logger: logger) }
        // Socket activation: systemd's listening sockets are spliced to the HTTP server on a
        // private Unix socket; otherwise the HTTP server binds HTTP_HOST:HTTP_PORT itself.
        let activated = SocketActivation.listeningDescriptors(environment: settings.processEnvironment)
        try await ServerApplication(parts).serve(
            on: activated.isEmpty ? .tcp(host: configuration.http.host, port: configuration.http.port) : .activated(descriptors: activated),
            notifier: SystemdNotifier(environment: settings.processEnvironment))
        withExtendedLifetime(lock) {}
        logger.info("scs serve stopped")
    }
}
