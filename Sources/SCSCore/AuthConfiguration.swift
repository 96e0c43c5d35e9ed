/// Who may be whom (`IDENTITY_MODE`; README, "Security"): `open`, the Python server's model, where
/// the API key lets a caller claim any agent id; `verified`, where every caller is a registered
/// agent (its `sca_` key is its identity) and the API key alone yields none.
public enum IdentityMode: String, Sendable, Equatable {
    case open, verified
}

/// Token lifetimes, retention and the identity mode.
public struct AuthConfiguration: Sendable, Equatable {
    /// Lifetime of the JWT behind a token, seconds (`JWT_TOKEN_EXPIRY`, default 86400).
    public var jwtTokenExpiry: Double
    /// Lifetime of an `sct_` token, seconds (1 h, as the Python server).
    public var protectedTokenLifetime: Double
    /// Audit rows older than this many days are purged (`AUDIT_LOG_RETENTION_DAYS`, default 30).
    public var auditRetentionDays: Double
    /// `IDENTITY_MODE` (default `open`).
    public var identityMode: IdentityMode
    /// Per-agent quotas.
    public var quotas = QuotaConfiguration()

    public init(
        jwtTokenExpiry: Double = 86_400, protectedTokenLifetime: Double = 3_600, auditRetentionDays: Double = 30,
        identityMode: IdentityMode = .open
    ) {
        self.jwtTokenExpiry = jwtTokenExpiry
        self.protectedTokenLifetime = protectedTokenLifetime
        self.auditRetentionDays = auditRetentionDays
        self.identityMode = identityMode
    }

    public init(environment env: ConfigEnvironment) throws(ConfigurationError) {
        self.init(
            jwtTokenExpiry: try env.number("JWT_TOKEN_EXPIRY", default: 86_400, range: 60...31_536_000),
            protectedTokenLifetime: try env.number("SCS_TOKEN_LIFETIME", default: 3_600, range: 60...86_400),
            auditRetentionDays: try env.number("AUDIT_LOG_RETENTION_DAYS", default: 30, range: 1...3_650),
            identityMode: try Self.identityMode(env["IDENTITY_MODE"])
        )
        quotas = try QuotaConfiguration(environment: env)
    }

    static func identityMode(_ text: String?) throws(ConfigurationError) -> IdentityMode {
        guard let text else { return .open }
        guard let mode = IdentityMode(rawValue: text.lowercased()) else {
            throw ConfigurationError("IDENTITY_MODE must be open or verified, not '\(text)'")
        }
        return mode
    }
}
