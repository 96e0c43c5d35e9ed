import Foundation
import SCSCore
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    static let strong = String(repeating: "k", count: 32)

    @Test("env files: comments, export, quotes; unknown lines kept on rewrite")
    func envFile() {
        var file = EnvFile(text: "# keys\nexport API_KEY=\"abc def\"\nJWT_SECRET_KEY='x=y'\nnot a line\nLOG_LEVEL=debug # inline\n")
        #expect(file["API_KEY"] == "abc def")
        #expect(file["JWT_SECRET_KEY"] == "x=y")
        #expect(file["LOG_LEVEL"] == "debug")
        file.set("LOG_LEVEL", "info")
        file.set("NEW", "1")
        #expect(file.text.contains("# keys\n") && file.text.contains("not a line\n"))
        #expect(EnvFile(text: file.text)["LOG_LEVEL"] == "info" && EnvFile(text: file.text)["NEW"] == "1")
    }

    @Test("the process environment wins over env files; later files win over earlier ones")
    func precedence() throws {
        let directory = NSTemporaryDirectory() + "scs-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "A=file1\nB=file1\nC=file1\n".write(toFile: directory + "/one.env", atomically: true, encoding: .utf8)
        try "B=file2\nC=file2\n".write(toFile: directory + "/two.env", atomically: true, encoding: .utf8)
        let environment = try ConfigEnvironment.load(
            processEnvironment: ["C": "process", "D": ""],
            envFiles: [directory + "/one.env", directory + "/two.env", directory + "/missing.env"]
        )
        #expect(environment["A"] == "file1" && environment["B"] == "file2" && environment["C"] == "process")
        #expect(environment["D"] == nil)
        #expect(environment.files.count == 2)
    }

    @Test("missing or short secrets: an error that names scs setup and never a value")
    func secrets() throws {
        let shortValue = "tooshort-secret-value"
        let error = #expect(throws: ConfigurationError.self) {
            _ = try SecretsConfiguration(environment: ConfigEnvironment(["API_KEY": shortValue, "JWT_SECRET_KEY": Self.strong]))
        }
        let message = error?.message ?? ""
        #expect(message.contains("scs setup"))
        #expect(message.contains("JWT_ENCRYPTION_KEY") && message.contains("API_KEY"))
        #expect(!message.contains(shortValue) && !message.contains(Self.strong))
        let ok = try SecretsConfiguration(environment: ConfigEnvironment(
            ["API_KEY": Self.strong, "JWT_SECRET_KEY": Self.strong, "JWT_ENCRYPTION_KEY": Self.strong]))
        #expect(ok.apiKey == Self.strong)
        // 32 bytes, not 32 characters: 11 three-byte characters are 33 bytes.
        #expect(throws: Never.self) {
            _ = try SecretsConfiguration(environment: ConfigEnvironment(
                ["API_KEY": String(repeating: "€", count: 11), "JWT_SECRET_KEY": Self.strong, "JWT_ENCRYPTION_KEY": Self.strong]))
        }
    }

    @Test("ADMIN_API_KEY: optional, at least 32 bytes, never the API key itself; loopback hosts")
    func adminKey() throws {
        let base = ["API_KEY": Self.strong, "JWT_SECRET_KEY": Self.strong, "JWT_ENCRYPTION_KEY": Self.strong]
        #expect(try SecretsConfiguration(environment: ConfigEnvironment(base)).adminAPIKey == nil)
        let admin = String(repeating: "z", count: 40)
        #expect(try SecretsConfiguration(environment: ConfigEnvironment(base.merging(["ADMIN_API_KEY": admin]) { $1 })).adminAPIKey == admin)
        for bad in ["q7Zx-tiny", Self.strong] {
            let error = #expect(throws: ConfigurationError.self) {
                _ = try SecretsConfiguration(environment: ConfigEnvironment(base.merging(["ADMIN_API_KEY": bad]) { $1 }))
            }
            #expect(error?.message.contains("ADMIN_API_KEY") == true && error?.message.contains(bad) == false)
        }
        for host in ["127.0.0.1", "127.9.9.9", "localhost", "::1", "[::1]"] { #expect(ConfigEnvironment.isLoopback(host), "\(host)") }
        for host in ["10.0.0.1", "example.com", "0.0.0.0", "128.0.0.1", "localhost.evil.com"] { #expect(!ConfigEnvironment.isLoopback(host), "\(host)") }
    }

    @Test("database location: DATABASE_URL wins, then DATABASE_PATH, then the data directory")
    func databaseLocation() throws {
        func backend(_ values: [String: String]) throws -> StorageConfiguration.Backend {
            try StorageConfiguration(environment: ConfigEnvironment(values), dataDirectory: "/data", workingDirectory: "/work").backend
        }
        #expect(try backend([:]) == .sqlite(path: "/data/scs.db"))
        #expect(try backend(["DATABASE_PATH": "./chat.db"]) == .sqlite(path: "/work/chat.db"))
        #expect(try backend(["DATABASE_PATH": "/x/chat.db", "DATABASE_URL": "sqlite:////abs/url.db"]) == .sqlite(path: "/abs/url.db"))
        #expect(try backend(["DATABASE_URL": "sqlite+aiosqlite:///rel.db"]) == .sqlite(path: "/work/rel.db"))
        #expect(try backend(["DATABASE_URL": "postgresql+asyncpg://u@h/db"]) == .postgres(url: "postgresql://u@h/db"))
        #expect(throws: ConfigurationError.self) { try backend(["DATABASE_URL": "mysql://x"]) }
        #expect(throws: ConfigurationError.self) { try backend(["DATABASE_URL": "sqlite:///:memory:"]) }
        #expect(throws: ConfigurationError.self) { try backend(["SCS_SQLITE_SYNCHRONOUS": "OFF"]) }
        let full = try StorageConfiguration(
            environment: ConfigEnvironment(["SCS_SQLITE_SYNCHRONOUS": "full"]), dataDirectory: "/d", workingDirectory: "/w")
        #expect(full.synchronous == .full)
    }

    @Test("component settings read the Python server's variable names, with checked ranges")
    func components() throws {
        let environment = ConfigEnvironment([
            "HTTP_HOST": "0.0.0.0", "HTTP_PORT": "8080", "CORS_ORIGINS": "https://a.example, *, https://b.example",
            "LOG_LEVEL": "WARNING", "JWT_TOKEN_EXPIRY": "3600", "STATE_DIRECTORY": "/var/lib/scs:/other",
            "RUNTIME_DIRECTORY": "/run/scs", "SCS_SEARCH_WORKERS": "3",
        ])
        let configuration = try SCSConfiguration(environment: environment, workingDirectory: "/w", cores: 2)
        #expect(configuration.http.host == "0.0.0.0" && configuration.http.port == 8080)
        #expect(configuration.http.corsOrigins == ["https://a.example", "https://b.example"])
        #expect(configuration.logging.level == .warning && configuration.auth.jwtTokenExpiry == 3600)
        #expect(configuration.dataDirectory == "/var/lib/scs" && configuration.storage.backend == .sqlite(path: "/var/lib/scs/scs.db"))
        #expect(configuration.workers.runtimeDirectory == "/run/scs" && configuration.workers.searchPoolSize == 3)
        let defaults = try SCSConfiguration(environment: ConfigEnvironment(["HOME": "/home/u"]), workingDirectory: "/w", cores: 2)
        #expect(defaults.http.host == "127.0.0.1" && defaults.http.port == 23456 && defaults.workers.searchPoolSize == 2)
        #expect(defaults.dataDirectory == "/home/u/.local/share/shared-context-server")
        #expect(defaults.workers.runtimeDirectory == "/home/u/.local/share/shared-context-server/run")
        for bad in [["HTTP_PORT": "http"], ["HTTP_PORT": "70000"], ["LOG_LEVEL": "loud"], ["JWT_TOKEN_EXPIRY": "-1"]] {
            #expect(throws: ConfigurationError.self) {
                _ = try SCSConfiguration(environment: ConfigEnvironment(bad), workingDirectory: "/w", cores: 2)
            }
        }
    }
}
