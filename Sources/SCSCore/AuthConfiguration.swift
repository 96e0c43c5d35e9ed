/// Token lifetimes and retention.
public struct AuthConfiguration: Sendable, Equatable {
    /// Lifetime of the JWT behind a token, seconds (`JWT_TOKEN_EXPIRY`, default 86400).
    public var jwtTokenExpiry: Double
    /// Lifetime of an `sct_` token, seconds (1 h, as the Python server).
    public var protectedTokenLifetime: Double
    /// Audit rows older than this many days are purged (`AUDIT_LOG_RETENTION_DAYS`, default 30).
    public var auditRetentionDays: Double

    public init(jwtTokenExpiry: Double = 86_400, protectedTokenLifetime: Double = 3_600, auditRetentionDays: Double = 30) {
        self.jwtTokenExpiry = jwtTokenExpiry
        self.protectedTokenLifetime = protectedTokenLifetime
        self.auditRetentionDays = auditRetentionDays
    }

    public init(environment env: ConfigEnvironment) throws(ConfigurationError) {
        self.init(
            jwtTokenExpiry: try env.number("JWT_TOKEN_EXPIRY", default: 86_400, range: 60...31_536_000),
            protectedTokenLifetime: try env.number("SCS_TOKEN_LIFETIME", default: 3_600, range: 60...86_400),
            auditRetentionDays: try env.number("AUDIT_LOG_RETENTION_DAYS", default: 30, range: 1...3_650)
        )
    }
}
