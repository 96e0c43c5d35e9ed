import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import GRDB
public import SCSCore
public import SCSStorage

/// Storage over a SQLite file through the system libsqlite3: WAL, a bounded pool of reader
/// connections plus one writer, foreign keys on, busy timeout, `synchronous` from configuration.
public final class SQLiteStorage: Storage {
    /// What to do about the schema when opening.
    public enum SchemaMode: Sendable {
        /// Apply pending migrations (the supervisor does this, once, at start-up).
        case migrate
        /// Refuse to open unless every migration is applied (workers).
        case requireCurrent
    }

    public let path: String
    let pool: DatabasePool
    let coalescer: WriteCoalescer
    /// Background WAL checkpoints (supervisor only), so no request pays for one.
    let checkpointer: Checkpointer?

    public var backendName: String { "sqlite" }

    /// Opens (creating if needed) the database at `configuration.backend`'s path.
    public init(configuration: StorageConfiguration, schema: SchemaMode) throws {
        guard case .sqlite(let path) = configuration.backend else {
            throw StorageError(.unavailable, "SQLiteStorage needs a sqlite backend")
        }
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(configuration.busyTimeout)
        config.maximumReaderCount = configuration.maxReaders
        config.label = "scs"
        let synchronous = configuration.synchronous.rawValue
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Checkpoints run off the commit path: in the background (Checkpointer) and by the
            // write coalescer between batches; a WAL that grew is cut back to 16 MB when it restarts.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            try db.execute(sql: "PRAGMA journal_size_limit = 16777216")
        }
        // The database holds every message and token: nobody but its owner reads it. A new file
        // is created 0600 (SQLite gives the WAL and shm files the database file's mode); an older
        // one (e.g. the Python server's, 0644) is narrowed.
        if !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_CREAT | O_WRONLY, 0o600)
            if fd >= 0 { Glibc.close(fd) }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw Self.wrap(error, "could not open the database file")
        }
        if schema == .migrate {
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) { chmod(file, 0o600) }
        }
        coalescer = WriteCoalescer(pool: pool)
        let coalescer = coalescer
        checkpointer = schema == .migrate
            ? Checkpointer(path: path, busyTimeout: configuration.busyTimeout) { frames in
                if frames >= WriteCoalescer.foldFrames { coalescer.requestCheckpoint() }
            } : nil
        switch schema {
        case .migrate: try migrate()
        case .requireCurrent:
            let applied = try pool.read { db in try Self.readApplied(db) }
            guard try Migrations.pending(applied: applied).isEmpty else {
                throw StorageError(.schemaMismatch, "the database schema is not current; start `scs serve` to migrate it")
            }
        }
    }

    /// Applies pending migrations in one IMMEDIATE transaction, recording each in `scs_migrations`.
    func migrate() throws {
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: """
                        CREATE TABLE IF NOT EXISTS scs_migrations (
                            id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)
                        """)
                    let pending = try Migrations.pending(applied: try Self.readApplied(db))
                    for entry in pending {
                        guard try SQLiteSchema.apply(entry.id, db) else {
                            throw StorageError(.schemaMismatch, "no SQLite migration for \(entry.id) \(entry.name)")
                        }
                        try db.execute(
                            sql: "INSERT INTO scs_migrations (id, name, applied_at) VALUES (?, ?, ?)",
                            arguments: [entry.id, entry.name, SystemClock().now()]
                        )
                    }
                    return .commit
                }
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.wrap(error, "migration failed")
        }
    }

    static func readApplied(_ db: Database) throws -> [Int] {
        guard try db.tableExists("scs_migrations") else { return [] }
        return try Int.fetchAll(db, sql: "SELECT id FROM scs_migrations ORDER BY id")
    }

    public func appliedMigrations() async throws -> [Int] {
        try await read { db in try Self.readApplied(db) }
    }

    public func databaseRole() async throws -> String { "embedded" }

    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func sizeBytes() async throws -> Int64 {
        fileBytes("") + fileBytes("-wal")
    }

    public func walBytes() async -> Int64? { fileBytes("-wal") }

    /// Size of the database file with `suffix` (`""`, `"-wal"`), 0 when it does not exist.
    func fileBytes(_ suffix: String) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    public func close() async throws {
        checkpointer?.stop()
        do {
            // Checkpointing is what shutdown needs: the WAL is folded into the database file.
            // Connections close when the pool is released (an explicit `DatabasePool.close()` was
            // seen to crash inside libsqlite3 while GRDB still scheduled work on a reader).
            _ = try await pool.writeWithoutTransaction { db in
                // TRUNCATE needs every reader gone; when one is still busy, fold what can be folded.
                // When another connection is checkpointing (another process on the same file),
                // there is nothing to add: the WAL is durable as it is.
                do { try db.checkpoint(.truncate) } catch { _ = try? db.checkpoint(.passive) }
            }
        } catch {
            throw Self.wrap(error, "could not close the database")
        }
    }

    // MARK: - Access helpers (map driver errors, keep domain errors)

    /// Runs a read on the calling thread. GRDB's async `read` hops to a pool-wait queue, then to
    /// the reader's queue, then back: three thread wake-ups for reads that take microseconds. Its
    /// synchronous `read` runs the block here (`DispatchQueue.sync` on an idle reader's queue) and
    /// never suspends while holding a reader, so a thread waits for a reader only while other
    /// reads are running, never for a suspended task.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try Self.mappingErrors("read failed") { try readHere(body) }
    }

    /// A read that walks a whole session (the search index's loads and deltas, a thread's pages):
    /// GRDB's async `read`, which runs it on a reader's own queue, so a long scan holds a
    /// dispatch thread instead of one of the few threads of the cooperative pool.
    func scan<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mappingErrors("read failed") { try await pool.read(body) }
    }

    private func readHere<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mappingErrors("write failed") { try await pool.write(body) }
    }

    /// A write committed together with the writes submitted concurrently (group commit).
    func coalescedWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mappingErrors("write failed") { try await coalescer.submit(body) }
    }

    /// Domain errors pass through; driver errors become a `StorageError` (see `wrap`).
    static func mappingErrors<T>(_ message: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SCSError {
            throw error
        } catch {
            throw wrap(error, message)
        }
    }

    /// The same for an asynchronous body.
    static func mappingErrors<T>(_ message: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SCSError {
            throw error
        } catch {
            throw wrap(error, message)
        }
    }

    /// A `StorageError` whose message never includes statement arguments.
    static func wrap(_ error: any Error, _ message: String) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? DatabaseError {
            return StorageError(.unavailable, message, underlying: "SQLite error \(error.resultCode.rawValue): \(error.message ?? "")")
        }
        return StorageError(.unavailable, message, underlying: String(describing: type(of: error)))
    }
}
