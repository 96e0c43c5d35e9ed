import Logging
import SCSCore
import SCSStorage
import SCSStoragePostgres
import SCSStorageSQLite

/// Picks the storage driver from `DATABASE_URL` / `DATABASE_PATH` (the executable is the only
/// place that does): SQLite by default, PostgreSQL for a `postgresql://` URL (docs/POSTGRESQL.md).
enum StorageOpener {
    /// The supervisor migrates; a worker only checks the schema (SQLite) or finds it current
    /// (PostgreSQL: migrating there is a no-op under the migration lock once the supervisor has).
    static func open(_ configuration: StorageConfiguration, role: Role, logger: Logger) async throws -> any Storage {
        switch configuration.backend {
        case .sqlite:
            return try SQLiteStorage(configuration: configuration, schema: role == .supervisor ? .migrate : .requireCurrent)
        case .postgres(let text):
            let url = try PostgresURL(parsing: text)
            let pool = role == .supervisor ? configuration.postgresPoolSize : max(2, configuration.postgresPoolSize / 4)
            var postgresLogger = logger
            postgresLogger[metadataKey: "database"] = "\(url)"
            return try await PostgresStorage.open(url: url, poolSize: pool, deadline: configuration.postgresTimeout, logger: postgresLogger)
        }
    }

    enum Role { case supervisor, worker }
}
