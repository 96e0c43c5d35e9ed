/// The three mandatory secrets. There is no fallback value for any of them anywhere.
public struct SecretsConfiguration: Sendable {
    /// Compared with the `X-API-Key` header of every `/mcp` request.
    public var apiKey: String
    /// HS256 signing key of agent JWTs.
    public var jwtSecretKey: String
    /// Key that encrypts stored JWTs at rest.
    public var jwtEncryptionKey: String

    /// Optional `ADMIN_API_KEY`: when set, `authenticate_agent` grants admin only to a request that
    /// presents it in `X-API-Key` (it opens `/mcp` as the API key does).
    public var adminAPIKey: String?

    /// Optional `SCS_METRICS_TOKEN`: a scraper presenting it as `Authorization: Bearer …` may read
    /// `/metrics` (and nothing else) without the API key.
    public var metricsToken: String?
    /// The dashboard operator's password (`ADMIN_PASSWORD`) or its scrypt hash
    /// (`ADMIN_PASSWORD_HASH`, written by `scs setup --admin-password`); neither: the dashboard is off.
    public var adminPassword: String?
    public var adminPasswordHash: String?

    public init(apiKey: String, jwtSecretKey: String, jwtEncryptionKey: String, adminAPIKey: String? = nil, metricsToken: String? = nil) {
        self.adminAPIKey = adminAPIKey
        self.metricsToken = metricsToken
        self.apiKey = apiKey
        self.jwtSecretKey = jwtSecretKey
        self.jwtEncryptionKey = jwtEncryptionKey
    }

    /// Shortest accepted secret, in bytes.
    public static let minimumLength = 32

    public static let names = ["API_KEY", "JWT_SECRET_KEY", "JWT_ENCRYPTION_KEY"]

    /// Reads and checks the secrets; any missing or shorter than 32 bytes is a configuration error
    /// naming `scs setup`. The message names the variables, never their values.
    public init(environment: ConfigEnvironment) throws(ConfigurationError) {
        var missing: [String] = []
        var short: [String] = []
        for name in Self.names {
            guard let value = environment[name] else {
                missing.append(name)
                continue
            }
            if value.utf8.count < Self.minimumLength { short.append(name) }
        }
        let admin = environment["ADMIN_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let admin, admin.utf8.count < Self.minimumLength { short.append("ADMIN_API_KEY") }
        let metrics = environment["SCS_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let metrics, metrics.utf8.count < Self.minimumLength { short.append("SCS_METRICS_TOKEN") }
        if let admin, admin == environment["API_KEY"] {
            throw ConfigurationError("ADMIN_API_KEY must differ from API_KEY (otherwise every caller could obtain admin)")
        }
        guard missing.isEmpty, short.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing: \(missing.joined(separator: ", "))") }
            if !short.isEmpty {
                parts.append("shorter than \(Self.minimumLength) bytes: \(short.joined(separator: ", "))")
            }
            let files = environment.files.isEmpty ? "no env file was found" : "read: \(environment.files.joined(separator: ", "))"
            throw ConfigurationError(
                "secrets are not configured (\(parts.joined(separator: "; "))); \(files). "
                    + "Run `scs setup` to generate them into an env file (mode 0600), "
                    + "or set them in the environment."
            )
        }
        self.init(
            apiKey: environment["API_KEY"]!, jwtSecretKey: environment["JWT_SECRET_KEY"]!,
            jwtEncryptionKey: environment["JWT_ENCRYPTION_KEY"]!, adminAPIKey: admin, metricsToken: metrics
        )
        adminPassword = environment["ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        adminPasswordHash = environment["ADMIN_PASSWORD_HASH"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
