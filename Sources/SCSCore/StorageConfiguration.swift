/// Where and how data is stored.
public struct StorageConfiguration: Sendable, Equatable {
    public enum Backend: Sendable, Equatable {
        /// A SQLite file (absolute path).
        case sqlite(path: String)
        /// A PostgreSQL URL (`postgresql://…`).
        case postgres(url: String)
    }

    public enum Synchronous: String, Sendable, Equatable {
        /// Durable across process crashes (WAL default).
        case normal = "NORMAL"
        /// Durable across power loss.
        case full = "FULL"
    }

    public var backend: Backend
    public var synchronous: Synchronous
    /// Seconds a connection waits for a lock before failing.
    public var busyTimeout: Double
    /// Concurrent reader connections (one writer besides).
    public var maxReaders: Int
    /// PostgreSQL: connections each node keeps at most (`POSTGRESQL_POOL_SIZE`).
    public var postgresPoolSize: Int = 20
    /// PostgreSQL: seconds one statement or transaction may take, waiting for a connection
    /// included, before the caller gets DATABASE_UNAVAILABLE (`POSTGRESQL_TIMEOUT`).
    public var postgresTimeout: Double = 10

    public init(backend: Backend, synchronous: Synchronous = .normal, busyTimeout: Double = 5, maxReaders: Int = 4) {
        self.backend = backend
        self.synchronous = synchronous
        self.busyTimeout = busyTimeout
        self.maxReaders = maxReaders
    }

    /// Reads `DATABASE_URL` (wins), `DATABASE_PATH`, `SCS_SQLITE_SYNCHRONOUS`, `DATABASE_BUSY_TIMEOUT`,
    /// `SQLITE_POOL_SIZE`, `POSTGRESQL_POOL_SIZE`; the default file is `<data dir>/scs.db`.
    public init(environment env: ConfigEnvironment, dataDirectory: String, workingDirectory: String) throws(ConfigurationError) {
        let backend: Backend
        if let url = env["DATABASE_URL"] {
            backend = try Self.parse(url: url, workingDirectory: workingDirectory)
        } else if let path = env["DATABASE_PATH"] {
            backend = .sqlite(path: Self.absolute(path, in: workingDirectory))
        } else {
            backend = .sqlite(path: dataDirectory + "/scs.db")
        }
        let synchronous: Synchronous
        switch env["SCS_SQLITE_SYNCHRONOUS"]?.uppercased() {
        case nil, "NORMAL": synchronous = .normal
        case "FULL": synchronous = .full
        case let other?: throw ConfigurationError("SCS_SQLITE_SYNCHRONOUS must be NORMAL or FULL, not \(other)")
        }
        let busy = try env.number("DATABASE_BUSY_TIMEOUT", default: 5, range: 1...300)
        let readers = try env.number("SQLITE_POOL_SIZE", default: 4, range: 1...64)
        self.init(backend: backend, synchronous: synchronous, busyTimeout: busy, maxReaders: Int(readers))
        postgresPoolSize = Int(try env.number("POSTGRESQL_POOL_SIZE", default: 20, range: 2...500))
        postgresTimeout = try env.number("POSTGRESQL_TIMEOUT", default: 10, range: 0.5...300)
    }

    /// Accepts `sqlite:///relative.db`, `sqlite:////absolute.db` (also `sqlite+aiosqlite://`) and
    /// `postgresql://` / `postgres://` (also `postgresql+asyncpg://`).
    public static func parse(url: String, workingDirectory: String) throws(ConfigurationError) -> Backend {
        for prefix in ["sqlite:///", "sqlite+aiosqlite:///"] where url.hasPrefix(prefix) {
            let path = String(url.dropFirst(prefix.count))
            guard !path.isEmpty, path != ":memory:" else {
                throw ConfigurationError("DATABASE_URL must name a SQLite file (in-memory databases lose data)")
            }
            return .sqlite(path: absolute(path, in: workingDirectory))
        }
        for prefix in PostgresURL.schemes where url.hasPrefix(prefix) {
            _ = try PostgresURL(parsing: url)  // a bad URL fails at startup, naming what is wrong
            return .postgres(url: "postgresql://" + url.dropFirst(prefix.count))
        }
        throw ConfigurationError("DATABASE_URL must start with sqlite:/// or postgresql:// (got an unsupported scheme)")
    }

    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }
}

extension ConfigEnvironment {
    /// A numeric setting within `range`; a bad value is a configuration error naming the variable.
    public func number(_ name: String, default value: Double, range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard let text = self[name] else { return value }
        guard let number = Double(text), range.contains(number) else {
            throw ConfigurationError("\(name) must be a number in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// A boolean setting (`true/false/1/0/yes/no/on/off`).
    public func flag(_ name: String, default value: Bool) throws(ConfigurationError) -> Bool {
        guard let text = self[name]?.lowercased() else { return value }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError("\(name) must be true or false, not '\(text)'")
        }
    }
}
