import SCSCore
import Testing

@Suite("DATABASE_URL for PostgreSQL")
struct PostgresURLTests {
    @Test("the three schemes, credentials, host, port, database and sslmode")
    func parts() throws {
        for scheme in ["postgresql", "postgres", "postgresql+asyncpg"] {
            let url = try PostgresURL(parsing: "\(scheme)://agent:s3cr%40t%2Fx@db.internal:6543/context?sslmode=require")
            #expect(url == PostgresURL(user: "agent", password: "s3cr@t/x", host: "db.internal", port: 6543, database: "context", tls: .require))
        }
        let short = try PostgresURL(parsing: "postgres://scs@localhost")
        #expect(short == PostgresURL(user: "scs", password: nil, host: "localhost", port: 5432, database: "scs", tls: .prefer))
        let ipv6 = try PostgresURL(parsing: "postgresql://u:p@[::1]:5433/d?application_name=x&sslmode=disable")
        #expect(ipv6.host == "::1" && ipv6.port == 5433 && ipv6.tls == .disable && ipv6.database == "d")
        #expect(try PostgresURL(parsing: "postgresql://u@h/d?sslmode=verify-full").tls == .verifyFull)
        #expect(try PostgresURL(parsing: "postgresql://u@h/d?sslmode=allow").tls == .prefer)
        #expect(try PostgresURL(parsing: "postgresql://u@h/d?sslmode=verify-ca").tls == .verifyCA)
    }

    @Test("without sslmode a remote database is verify-full and this machine's prefer; TLS files are read from the URL")
    func tlsDefaults() throws {
        for remote in ["postgresql://u@db.example.com/d", "postgresql://u@10.0.0.5/d", "postgresql://u@[2001:db8::1]/d"] {
            let url = try PostgresURL(parsing: remote)
            #expect(url.tls == .verifyFull && url.verifiesCertificate && !url.isLoopback, "\(remote)")
        }
        for local in ["postgresql://u@localhost/d", "postgresql://u@127.0.0.1:5433/d", "postgresql://u@[::1]/d"] {
            let url = try PostgresURL(parsing: local)
            #expect(url.tls == .prefer && url.isLoopback && !url.verifiesCertificate, "\(local)")
        }
        let files = try PostgresURL(parsing: "postgresql://u@db/d?sslmode=require&sslrootcert=/etc/ca%20x.pem&sslcert=/c.pem&sslkey=/k.pem")
        #expect(files.rootCertificatePath == "/etc/ca x.pem" && files.certificatePath == "/c.pem" && files.keyPath == "/k.pem")
        #expect(files.verifiesCertificate)  // require with a root certificate checks the chain, as libpq does
        #expect(!(try PostgresURL(parsing: "postgresql://u@db/d?sslmode=require")).verifiesCertificate)
        #expect(throws: ConfigurationError.self) { try PostgresURL(parsing: "postgresql://u@db/d?sslcert=/c.pem") }
    }

    @Test("a bad URL is a configuration error that names the problem and never the password")
    func errors() {
        let cases: [(String, String)] = [
            ("postgresql://u:hunter2@h:99999/d", "port"),
            ("postgresql://u:hunter2@h:x/d", "port"),
            ("postgresql://u:hunter2@/d", "no host"),
            ("postgresql://h/d", "no user"),
            ("postgresql://u:hunter2@h/d?sslmode=sometimes", "sslmode"),
            ("postgresql://u:hunter2@[::1/d", "IPv6"),
            ("mysql://u:hunter2@h/d", "starts with"),
        ]
        for (url, expected) in cases {
            do {
                _ = try PostgresURL(parsing: url)
                Issue.record("accepted \(url)")
            } catch {
                #expect(error.description.contains(expected), "\(url): \(error.description)")
                #expect(!error.description.contains("hunter2"))
            }
        }
    }

    @Test("its description hides the password")
    func description() throws {
        let url = try PostgresURL(parsing: "postgresql://scs:topsecret@127.0.0.1:5432/scs?sslmode=disable")
        #expect(url.description == "postgresql://scs:***@127.0.0.1:5432/scs?sslmode=disable")
    }

    @Test("DATABASE_URL is checked at startup; POSTGRESQL_POOL_SIZE and POSTGRESQL_TIMEOUT are bounded")
    func configuration() throws {
        let env = { (values: [String: String]) in ConfigEnvironment(values) }
        #expect(throws: ConfigurationError.self) {
            try StorageConfiguration(environment: env(["DATABASE_URL": "postgresql://u@h:0/d"]), dataDirectory: "/d", workingDirectory: "/w")
        }
        let configured = try StorageConfiguration(
            environment: env(["DATABASE_URL": "postgres://u@h/d", "POSTGRESQL_POOL_SIZE": "8", "POSTGRESQL_TIMEOUT": "2.5"]),
            dataDirectory: "/d", workingDirectory: "/w")
        #expect(configured.postgresPoolSize == 8 && configured.postgresTimeout == 2.5)
        for (name, value) in [("POSTGRESQL_POOL_SIZE", "100000"), ("POSTGRESQL_TIMEOUT", "0"), ("POSTGRESQL_TIMEOUT", "1e9")] {
            #expect(throws: ConfigurationError.self) {
                try StorageConfiguration(environment: env([name: value]), dataDirectory: "/d", workingDirectory: "/w")
            }
        }
    }
}
