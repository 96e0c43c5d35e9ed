import ArgumentParser
import Foundation
import Logging
import SCSCore
import SCSStorage
import SCSStoragePostgres
import SCSStorageSQLite

/// `scs db copy`: moves every table between SQLite and PostgreSQL (docs/POSTGRESQL.md, "Moving data").
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Move data between databases.",
        subcommands: [Copy.self]
    )

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy everything from one database to another (SQLite ↔ PostgreSQL), verified.",
            discussion: """
                FROM and TO are each a SQLite file (a path, or sqlite:///path) or a PostgreSQL URL (postgresql://user:password@host:port/db?sslmode=…). FROM may be a database of this server or of the Python shared-context-server.

                FROM is never changed: a SQLite source is snapshotted first (VACUUM INTO) and the snapshot brought to the current schema; a PostgreSQL source is migrated to the current schema, as `scs serve` would, then read in one snapshot.

                Each table's rows and an order-independent SHA-256 checksum are compared after writing, before anything is committed: on any difference, or any error, TO is left as it was. A PostgreSQL target is written in one transaction; a SQLite target is built in a new file beside it and renamed over it. TO must be empty unless --force is given, which replaces its content, so a copy can simply be run again.

                Passwords: a password in --from or --to is readable by every local user (/proc), so give URLs without one and let scs find it: PGPASSWORD, else the libpq password file (PGPASSFILE, default ~/.pgpass, mode 0600), else one line of standard input per PostgreSQL side with --password-stdin (FROM first). --from-env/--to-env read a whole URL from an environment variable instead.

                Stop the servers that use TO first. Exit status: 0 copied and verified, 1 refused or failed (nothing changed), 64 bad arguments.
                """)

        @Option(name: .long, help: "The database to copy from.")
        var from: String?

        @Option(name: .long, help: "The database to copy into.")
        var to: String?

        @Option(name: .customLong("from-env"), help: "An environment variable that holds the FROM URL (instead of --from).")
        var fromEnv: String?

        @Option(name: .customLong("to-env"), help: "An environment variable that holds the TO URL (instead of --to).")
        var toEnv: String?

        @Flag(name: .customLong("password-stdin"), help: "Read each PostgreSQL password missing from the URLs from standard input, one line each (FROM first).")
        var passwordStdin = false

        @Flag(help: "Replace what TO holds.")
        var force = false

        func run() async throws {
            var source: Endpoint
            var target: Endpoint
            do {
                source = try Endpoint(try DatabaseCommand.url(from, env: fromEnv, side: "from"))
                target = try Endpoint(try DatabaseCommand.url(to, env: toEnv, side: "to"))
                for (endpoint, argument) in [(source, from), (target, to)] {
                    if case .postgres(let url) = endpoint, url.password != nil, argument != nil {
                        printError("scs db copy: warning: a password in the arguments is readable by every local user; use PGPASSWORD, ~/.pgpass or --password-stdin")
                    }
                }
                source = try fillPassword(source)
                target = try fillPassword(target)
            } catch let error as ConfigurationError {
                printError("scs db copy: \(error.message)")
                throw ExitCode(64)
            }
            guard source != target else {
                printError("scs db copy: --from and --to name the same database")
                throw ExitCode(64)
            }
            var logger = Logger(label: "scs.db-copy")
            logger.logLevel = .error
            do {
                let reader: any TableReader
                do {
                    reader = try await source.reader(logger: logger)
                } catch {
                    throw DataCopy.Failure("cannot open the source \(source): \(error)")
                }
                let writer: any TableWriter
                do {
                    writer = try await target.writer(logger: logger)
                } catch {
                    await reader.close()
                    throw DataCopy.Failure("cannot open the target \(target): \(error)")
                }
                print("copying \(source) → \(target)")
                let reports = try await DataCopy.run(from: reader, to: writer, force: force)
                let width = reports.map(\.table.count).max() ?? 0
                for report in reports {
                    print(report.table.padding(toLength: width, withPad: " ", startingAt: 0), String(report.rows).leftPadded(9), report.checksum)
                }
                print("verified: \(reports.count) tables, \(reports.reduce(0) { $0 + $1.rows }) rows; row counts and checksums match")
            } catch {
                printError("scs db copy: \(error) (nothing was changed in the target)")
                throw ExitCode(1)
            }
        }
    }

    /// The URL named by the option or by the environment variable the `-env` option names.
    static func url(_ given: String?, env name: String?, side: String) throws(ConfigurationError) -> String {
        switch (given, name) {
        case (let given?, nil): return given
        case (nil, let name?):
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw ConfigurationError("--\(side)-env names \(name), which is not set")
            }
            return value
        case (nil, nil): throw ConfigurationError("give --\(side) or --\(side)-env")
        case (_?, _?): throw ConfigurationError("give --\(side) or --\(side)-env, not both")
        }
    }
}

extension DatabaseCommand.Copy {
    /// A PostgreSQL side without a password gets one from PGPASSWORD, the password file or stdin.
    func fillPassword(_ endpoint: Endpoint) throws(ConfigurationError) -> Endpoint {
        guard case .postgres(var url) = endpoint, url.password == nil else { return endpoint }
        if passwordStdin {
            guard let line = readLine(strippingNewline: true) else {
                throw ConfigurationError("--password-stdin: standard input ended before the password for \(url)")
            }
            url.password = line
        } else {
            url.password = PostgresPasswordSource.lookup(url, environment: ProcessInfo.processInfo.environment)
            if url.password == nil {
                printError("scs db copy: no password for \(url) in PGPASSWORD or the password file; trying without one (--password-stdin reads it)")
            }
        }
        return .postgres(url)
    }

    /// One side of a copy, named by a path or URL; its description never shows a password.
    enum Endpoint: Equatable, CustomStringConvertible {
        case sqlite(String)
        case postgres(PostgresURL)

        init(_ text: String) throws {
            let backend: StorageConfiguration.Backend
            if text.contains("://") {
                backend = try StorageConfiguration.parse(url: text, workingDirectory: FileManager.default.currentDirectoryPath)
            } else {
                let directory = FileManager.default.currentDirectoryPath
                backend = .sqlite(path: text.hasPrefix("/") ? text : directory + "/" + text)
            }
            switch backend {
            case .sqlite(let path): self = .sqlite(path)
            case .postgres(let url): self = .postgres(try PostgresURL(parsing: url))
            }
        }

        var description: String {
            switch self {
            case .sqlite(let path): "sqlite:///\(path)"
            case .postgres(let url): "\(url)"
            }
        }

        func reader(logger: Logger) async throws -> any TableReader {
            switch self {
            case .sqlite(let path): try await SQLiteTableAccess.reader(path: path)
            case .postgres(let url): try await PostgresTableAccess.reader(url: url, logger: logger)
            }
        }

        func writer(logger: Logger) async throws -> any TableWriter {
            switch self {
            case .sqlite(let path): try await SQLiteTableAccess.writer(path: path)
            case .postgres(let url): try await PostgresTableAccess.writer(url: url, logger: logger)
            }
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
