/// The supervisor's HTTP listener.
public struct HTTPConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Extra allowed `Origin` values besides localhost (`CORS_ORIGINS`, comma-separated).
    public var corsOrigins: [String]
    /// Largest accepted request body.
    public var maxBodyBytes: Int
    /// Most open HTTP connections (`SCS_MAX_CONNECTIONS`); further ones wait in the backlog.
    public var maxConnections: Int
    /// Seconds a keep-alive connection may sit idle between requests (`SCS_HTTP_IDLE_TIMEOUT`); a
    /// request in progress (a long-poll, an SSE stream) is never cut by it.
    public var idleTimeout: Double
    /// Mark the dashboard's cookies `Secure` (`DASHBOARD_SECURE_COOKIE`): set it when a TLS proxy
    /// serves the dashboard. A request a proxy marks `X-Forwarded-Proto: https` gets them anyway.
    public var secureCookies = false
    /// Proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`, CIDRs); none by default.
    public var trustedProxies = TrustedProxies.none
    /// The host names the dashboard answers to (`DASHBOARD_HOSTS`, comma-separated; empty: any).
    /// Another `Host` is refused (DNS rebinding); links to these hosts render inert.
    public var dashboardHosts: [String] = []
    /// Open connections one client address (one /64 for IPv6) may hold (`SCS_MAX_CONNECTIONS_PER_CLIENT`).
    public var maxConnectionsPerClient: Int
    /// Seconds a request's head, and then its body, may take to arrive (`SCS_HTTP_REQUEST_TIMEOUT`):
    /// a client that sends slower is disconnected.
    public var requestTimeout: Double = 15

    public init(
        host: String = "127.0.0.1", port: Int = 23456, corsOrigins: [String] = [], maxBodyBytes: Int = 4 << 20,
        maxConnections: Int = 1_024, idleTimeout: Double = 120
    ) {
        self.maxConnections = maxConnections
        maxConnectionsPerClient = max(4, maxConnections / 4)
        self.idleTimeout = idleTimeout
        self.host = host
        self.port = port
        self.corsOrigins = corsOrigins
        self.maxBodyBytes = maxBodyBytes
    }

    /// Reads `HTTP_HOST` (default 127.0.0.1), `HTTP_PORT` (23456), `CORS_ORIGINS`, `SCS_MAX_BODY_BYTES`,
    /// `SCS_MAX_CONNECTIONS` (1,024), `SCS_HTTP_IDLE_TIMEOUT` (120 s).
    public init(environment env: ConfigEnvironment) throws(ConfigurationError) {
        let port = try env.number("HTTP_PORT", default: 23456, range: 0...65535)
        let body = try env.number("SCS_MAX_BODY_BYTES", default: Double(4 << 20), range: 1024...1_073_741_824)
        let origins = (env["CORS_ORIGINS"] ?? "").split(separator: ",").map { TextSanitizer.trimmed(String($0)) }
            .filter { !$0.isEmpty && $0 != "*" }
        self.init(
            host: env["HTTP_HOST"] ?? "127.0.0.1", port: Int(port), corsOrigins: origins, maxBodyBytes: Int(body),
            maxConnections: Int(try env.number("SCS_MAX_CONNECTIONS", default: 1_024, range: 8...65_536)),
            idleTimeout: try env.number("SCS_HTTP_IDLE_TIMEOUT", default: 120, range: 5...3_600))
        secureCookies = ["1", "true", "yes", "on"].contains((env["DASHBOARD_SECURE_COOKIE"] ?? "").lowercased())
        trustedProxies = try TrustedProxies(list: env["TRUSTED_PROXIES"] ?? "")
        dashboardHosts = (env["DASHBOARD_HOSTS"] ?? "").split(separator: ",").map { TextSanitizer.trimmed(String($0)).lowercased() }
            .filter { !$0.isEmpty }
        maxConnectionsPerClient = Int(try env.number(
            "SCS_MAX_CONNECTIONS_PER_CLIENT", default: Double(max(4, maxConnections / 4)), range: 1...Double(maxConnections)))
        requestTimeout = try env.number("SCS_HTTP_REQUEST_TIMEOUT", default: 15, range: 1...600)
    }
}
