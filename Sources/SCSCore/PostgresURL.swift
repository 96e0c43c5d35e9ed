import Foundation

/// A PostgreSQL `DATABASE_URL` taken apart: `postgresql://`, `postgres://` or the Python server's
/// `postgresql+asyncpg://`, then `[user[:password]@]host[:port][/database][?sslmode=…]`. User
/// and password may be percent-encoded; a host may be a bracketed IPv6 address (docs/POSTGRESQL.md,
/// "TLS"):
/// - `sslmode` is libpq's: `disable`, `prefer`, `require` (encrypted, unchecked unless
///   `sslrootcert` is given), `verify-ca` (the chain), `verify-full` (the chain and the host name);
///   `allow` counts as prefer. Without `sslmode`: `verify-full` for a host that is not this
///   machine, `prefer` for loopback.
/// - `sslrootcert`, `sslcert`, `sslkey`: PEM files (trusted roots; a client certificate and key).
/// - `insecure_auth=allow`: accept a server that asks for a cleartext or MD5 password (refused otherwise).
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full"
    }

    /// `insecure_auth=allow`: accept a server that asks for a cleartext or MD5 password.
    public var allowsInsecurePasswordAuth = false

    /// `sslrootcert`, `sslcert` and `sslkey`: paths of PEM files.
    public var rootCertificatePath: String?
    public var certificatePath: String?
    public var keyPath: String?

    /// Whether the server's certificate is checked at all.
    public var verifiesCertificate: Bool {
        tls == .verifyCA || tls == .verifyFull || (tls == .require && rootCertificatePath != nil)
    }

    /// Whether `host` is this machine (a loopback name or address).
    public var isLoopback: Bool {
        let name = host.lowercased()
        return name == "localhost" || name.hasSuffix(".localhost") || IPAddress(name)?.isLoopback == true
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    public static let schemes = ["postgresql://", "postgres://", "postgresql+asyncpg://"]

    public init(user: String, password: String?, host: String, port: Int = 5432, database: String, tls: TLSMode = .prefer) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
    }

    public init(parsing url: String) throws(ConfigurationError) {
        guard let scheme = Self.schemes.first(where: { url.hasPrefix($0) }) else {
            throw ConfigurationError("a PostgreSQL URL starts with postgresql://, postgres:// or postgresql+asyncpg://")
        }
        var rest = Substring(url.dropFirst(scheme.count))
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        var database = ""
        var authority = rest
        // The database follows the first "/" after the credentials (a password may hold "/" only encoded).
        let credentialsEnd = rest.lastIndex(of: "@").map { rest.index(after: $0) } ?? rest.startIndex
        if let slash = rest[credentialsEnd...].firstIndex(of: "/") {
            database = String(rest[rest.index(after: slash)...])
            authority = rest[..<slash]
        }
        var user = "", password: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon])
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                user = String(credentials)
            }
        }
        func decode(_ text: String, _ what: String) throws(ConfigurationError) -> String {
            guard let decoded = text.removingPercentEncoding else { throw ConfigurationError("the PostgreSQL URL's \(what) is badly percent-encoded") }
            return decoded
        }
        user = try decode(user, "user")
        password = try password.map { (text) throws(ConfigurationError) in try decode(text, "password") }
        database = try decode(database, "database name")
        var host = String(hostPort)
        var port = 5432
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw ConfigurationError("the PostgreSQL URL's IPv6 host lacks its ]") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65_535).contains(number) else {
                    throw ConfigurationError("the PostgreSQL URL's port must be 1...65535")
                }
                port = number
            } else if !after.isEmpty {
                throw ConfigurationError("the PostgreSQL URL has text after its IPv6 host")
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (1...65_535).contains(number) else {
                throw ConfigurationError("the PostgreSQL URL's port must be 1...65535")
            }
            port = number
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw ConfigurationError("the PostgreSQL URL names no host") }
        guard !user.isEmpty else { throw ConfigurationError("the PostgreSQL URL names no user") }
        var tls: TLSMode?
        var files: [String: String] = [:]
        var insecureAuth = false
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "sslmode", "ssl":
                switch parts[1].lowercased() {
                case "disable", "false": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require", "true": tls = .require
                case "verify-ca": tls = .verifyCA
                case "verify-full": tls = .verifyFull
                default: throw ConfigurationError("sslmode must be disable, prefer, require, verify-ca or verify-full, not '\(parts[1])'")
                }
            case "sslrootcert", "sslcert", "sslkey":
                files[parts[0]] = try decode(parts[1], parts[0])
            case "insecure_auth":
                guard parts[1] == "allow" else { throw ConfigurationError("insecure_auth can only be allow") }
                insecureAuth = true
            default:
                continue  // other libpq parameters (application_name, …) are not ours to apply
            }
        }
        self.init(user: user, password: password, host: host, port: port, database: database.isEmpty ? user : database, tls: .prefer)
        // No sslmode: a remote database is verified; this machine's may go unencrypted.
        self.tls = tls ?? (isLoopback ? .prefer : .verifyFull)
        rootCertificatePath = files["sslrootcert"]
        certificatePath = files["sslcert"]
        keyPath = files["sslkey"]
        allowsInsecurePasswordAuth = insecureAuth
        guard (certificatePath == nil) == (keyPath == nil) else { throw ConfigurationError("sslcert and sslkey go together") }
    }

    /// The URL without its password (for logs and `/health`).
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgresql://\(user)\(password == nil ? "" : ":***")@\(shownHost):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}
