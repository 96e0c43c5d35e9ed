/// Per-agent quotas (README, "Security"): defaults no honest agent meets, there to stop one agent
/// from flooding the others. Each is a token bucket per agent id, in each process that serves
/// `/mcp` (with several nodes, each node keeps its own).
public struct QuotaConfiguration: Sendable, Equatable {
    /// Writes (messages, memory writes and deletes, visibility changes) per second (`SCS_QUOTA_WRITES_PER_SECOND`).
    public var writesPerSecond: Double
    /// Searches per second (`SCS_QUOTA_SEARCHES_PER_SECOND`).
    public var searchesPerSecond: Double
    /// Sessions created per hour (`SCS_QUOTA_SESSIONS_PER_HOUR`).
    public var sessionsPerHour: Double

    public init(writesPerSecond: Double = 200, searchesPerSecond: Double = 100, sessionsPerHour: Double = 1_000) {
        self.writesPerSecond = writesPerSecond
        self.searchesPerSecond = searchesPerSecond
        self.sessionsPerHour = sessionsPerHour
    }

    public init(environment env: ConfigEnvironment) throws(ConfigurationError) {
        self.init(
            writesPerSecond: try env.number("SCS_QUOTA_WRITES_PER_SECOND", default: 200, range: 0.1...1_000_000),
            searchesPerSecond: try env.number("SCS_QUOTA_SEARCHES_PER_SECOND", default: 100, range: 0.1...1_000_000),
            sessionsPerHour: try env.number("SCS_QUOTA_SESSIONS_PER_HOUR", default: 1_000, range: 1...100_000_000))
    }
}
