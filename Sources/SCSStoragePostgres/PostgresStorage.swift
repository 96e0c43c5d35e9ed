public import Logging
import NIOSSL
import PostgresNIO
import Synchronization
public import SCSCore
import SCSStorage

/// The PostgreSQL driver (docs/POSTGRESQL.md): a PostgresNIO connection pool of
/// `POSTGRESQL_POOL_SIZE` connections, the same storage protocols and schema model as the
/// SQLite driver, and the guarantees that must hold across nodes kept by the database itself
/// (constraints, one transaction per write, an advisory lock around migrations).
public final class PostgresStorage: Sendable {
    public let url: PostgresURL
    let client: PostgresClient
    /// The pool's run loop, started by `open` (not by the initialiser) and ended by `close`.
    let running = Mutex<Task<Void, Never>?>(nil)
    let logger: Logger
    /// Seconds one statement or transaction may take before the caller is told the database is
    /// unavailable (a server that restarts must not hang requests).
    let deadline: Double
    /// Operations waiting on each pooled connection (see `PostgresDeadline`).
    let closings = ConnectionClosings()
    /// The tasks that run operations, one per pooled connection (see `StatementRunners`).
    let runners: StatementRunners

    /// Migrations take this transaction-scoped advisory lock, so two nodes starting together
    /// apply each migration once.
    static let migrationLock: Int64 = 0x5C5_0001

    /// Connects (lazily, per query), applies pending migrations and starts the pool.
    public static func open(
        url: PostgresURL, poolSize: Int = 20, deadline: Double = 10, logger: Logger = Logger(label: "scs.postgres")
    ) async throws -> PostgresStorage {
        let storage = try await PostgresStorage.init(url: url, poolSize: poolSize, deadline: deadline, logger: logger)
        let client = storage.client
        storage.running.withLock { $0 = Task { await client.run() } }
        storage.runners.start()
        return storage
    }

    /// Checks the server and applies pending migrations; starts nothing (`open` does).
    init(url: PostgresURL, poolSize: Int = 20, deadline: Double = 10, logger: Logger = Logger(label: "scs.postgres")) async throws {
        self.url = url
        self.deadline = deadline
        runners = StatementRunners(count: max(2, poolSize))
        self.logger = logger
        let tls: PostgresClient.Configuration.TLS
        do {
            tls = try Self.tls(url)
        } catch {
            throw StorageError(.unavailable, "cannot read the TLS files of the database URL (sslrootcert, sslcert, sslkey)", underlying: "\(error)")
        }
        if !url.verifiesCertificate, !url.isLoopback {
            logger.warning(
                "the database's TLS certificate is not verified: anyone between this node and the database can read and change the traffic (use sslmode=verify-full)",
                metadata: ["database": "\(url)"])
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        configuration.options.maximumConnections = max(2, poolSize)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = [("application_name", "scs")]
        // The server must not ask for the password in the clear (or as MD5) unless the URL allows it.
        try await PostgresAuthProbe.check(url, tls: try? Self.tlsSettings(url))
        // Migrations run on a connection of their own before the pool starts, so a database that
        // cannot be reached or migrated fails the start with nothing left running.
        try await Self.migrate(url: url, logger: logger)
        // The pool's own log: errors only. It logs each connection it opens or loses at info, and
        // warns when the first query races `run()` starting (harmless: the query waits); what a
        // failure means for a request is logged by the caller from the StorageError it gets.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.client = client
    }

    /// libpq's modes (docs/POSTGRESQL.md, "TLS"): `prefer` and `require` encrypt without
    /// checking the certificate (`require` checks the chain when `sslrootcert` is given),
    /// `verify-ca` checks the chain, `verify-full` the chain and the host name. `sslrootcert`
    /// replaces the system's roots; `sslcert`/`sslkey` present a client certificate. Nil for `disable`.
    static func tlsSettings(_ url: PostgresURL) throws -> TLSConfiguration? {
        guard url.tls != .disable else { return nil }
        var settings = TLSConfiguration.makeClientConfiguration()
        switch url.tls {
        case .verifyFull: settings.certificateVerification = .fullVerification
        case .verifyCA: settings.certificateVerification = .noHostnameVerification
        case .require where url.rootCertificatePath != nil: settings.certificateVerification = .noHostnameVerification
        default: settings.certificateVerification = .none
        }
        if let root = url.rootCertificatePath { settings.trustRoots = .file(root) }
        if let certificate = url.certificatePath, let key = url.keyPath {
            settings.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            settings.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        return settings
    }

    static func tls(_ url: PostgresURL) throws -> PostgresClient.Configuration.TLS {
        guard let settings = try tlsSettings(url) else { return .disable }
        return url.tls == .prefer ? .prefer(settings) : .require(settings)
    }

    public var backendName: String { "postgresql" }

    // MARK: Running queries

    /// One statement on a pooled connection; driver failures become `StorageError`, and so does
    /// no answer within `deadline` seconds.
    @discardableResult
    func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let (client, logger) = (client, logger)
        do {
            return try await PostgresDeadline.run(seconds: deadline, closings: closings, runners: runners) { deadline in
                try await client.withConnection { connection in
                    deadline.watch(connection)
                    return try await connection.query(query, logger: logger).collect()
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// `body` in one transaction on one connection (rolled back when it throws), within `deadline`.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let (client, logger) = (client, logger)
        do {
            return try await PostgresDeadline.run(seconds: deadline, closings: closings, runners: runners) { deadline in
                try await client.withTransaction(logger: logger) { connection in
                    deadline.watch(connection)
                    return try await body(connection)
                }
            }
        } catch let error as PostgresTransactionError {
            throw Self.translate(error.closureError ?? error.beginError ?? error.commitError ?? error)
        } catch {
            throw Self.translate(error)
        }
    }

    /// Domain errors pass; a constraint the caller did not anticipate, a lost connection or a
    /// server that is down become a `StorageError` that names no SQL argument.
    static func translate(_ error: any Error) -> any Error {
        if error is SCSError || error is StorageError { return error }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                // Class 08 (connection), 57P0x (shutdown, crash), 53 (resources): try again later.
                if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") {
                    return StorageError(.unavailable, "the database is unavailable", underlying: state)
                }
                return StorageError(.unavailable, "the database refused the statement", underlying: "SQLSTATE \(state)")
            }
            return StorageError(.unavailable, "the database is unavailable", underlying: "\(error.code)")
        }
        return StorageError(.unavailable, "the database is unavailable", underlying: String(describing: type(of: error)))
    }

    /// The SQLSTATE of a server error (e.g. 23505 unique violation, 23503 foreign key).
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    // MARK: Schema

    /// One connection of its own, outside the pool (migrations, the LISTEN of `PostgresPeerChannel`).
    static func connect(url: PostgresURL, logger: Logger) async throws -> PostgresConnection {
        var tls = PostgresConnection.Configuration.TLS.disable
        do {
            if let settings = try tlsSettings(url) {
                let context = try NIOSSLContext(configuration: settings)
                tls = url.tls == .prefer ? .prefer(context) : .require(context)
            }
        } catch {
            throw StorageError(.unavailable, "cannot set up TLS for the database connection", underlying: "\(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw translate(error)
        }
    }

    static func migrate(url: PostgresURL, logger: Logger) async throws {
        let connection = try await connect(url: url, logger: logger)
        do {
            try await connection.withTransaction(logger: logger) { connection in try await migrate(connection, logger: logger) }
            try await connection.close()
        } catch let error as PostgresTransactionError {
            try? await connection.close()
            throw translate(error.closureError ?? error.beginError ?? error.commitError ?? error)
        } catch {
            try? await connection.close()
            throw translate(error)
        }
    }

    /// Applies pending migrations inside the caller's transaction, under the migration lock.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS scs_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)",
            logger: logger)
        var applied: [Int] = []
        for try await id in try await connection.query("SELECT id FROM scs_migrations ORDER BY id", logger: logger).decode(Int.self) {
            applied.append(id)
        }
        for entry in try Migrations.pending(applied: applied) {
            guard let statements = PostgresSchema.statements(for: entry.id) else {
                throw StorageError(.schemaMismatch, "no PostgreSQL migration for \(entry.id) \(entry.name)")
            }
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            let now = SystemClock().now()
            try await connection.query(
                "INSERT INTO scs_migrations (id, name, applied_at) VALUES (\(entry.id), \(entry.name), \(now))", logger: logger)
        }
    }

    public func appliedMigrations() async throws -> [Int] {
        try await run("SELECT id FROM scs_migrations ORDER BY id").map { try $0.decode(Int.self) }
    }

    public func ping() async throws {
        try await run("SELECT 1")
    }

    public func databaseRole() async throws -> String {
        try await run("SELECT pg_is_in_recovery()").first?.decode(Bool.self) == true ? "replica" : "primary"
    }

    public func sizeBytes() async throws -> Int64 {
        try await run("SELECT pg_database_size(current_database())").first?.decode(Int64.self) ?? 0
    }

    /// The server owns its write-ahead log.
    public func walBytes() async -> Int64? { nil }

    /// Ends the pool (every write was committed when it returned).
    public func close() async throws {
        await runners.close()
        let running = running.withLock { $0.take() }
        running?.cancel()
        await running?.value
    }
}
