public import Logging
public import SCSAuth
public import SCSCore
public import SCSStorage
public import SCSSupervisor
public import SCSTools

/// What the server is assembled from (`ServerApplication`): the executable, the test harness and
/// the fuzz target each fill this in and get the same server.
public struct ServerParts: Sendable {
    public var storage: any Storage
    public var secrets: SecretsConfiguration
    public var configuration: SCSConfiguration
    public var supervisorOptions: SupervisorOptions
    public var version: String
    public var logger: Logger
    public var clock: any WallClock = SystemClock()
    /// `/metrics` (bootstrapped before storage opens, so that its metrics report somewhere).
    public var metrics: ServerMetrics?
    public var dashboardPassword: DashboardPassword?
    /// Live events to and from the other nodes on the database (nil on SQLite: one node).
    public var peers: (any PeerChannel)?
    /// The search and memory workers' handlers called in this process instead of the
    /// supervisor's workers (the test harness and the fuzz target).
    public var workers: (any SearchBackend & MemoryBackend)?
    /// Largest tool result in bytes (tests set less).
    public var resultBudget = Limits.resultBytes
    /// Longest `wait_for_messages`, seconds (tests and the fuzz target shorten it).
    public var longestWait: Double = 60
    /// How long a resolved token stays cached (the harness: 0, every call reads the database).
    public var tokenCacheLifetime: Double = TokenService.defaultCacheLifetime
    /// How long a resolved agent key stays cached (at most a second: a revoked key fails within it).
    public var agentKeyCacheLifetime: Double = AgentKeys.defaultCacheLifetime

    public init(
        storage: any Storage, secrets: SecretsConfiguration, configuration: SCSConfiguration, supervisorOptions: SupervisorOptions,
        version: String, logger: Logger
    ) {
        self.storage = storage
        self.secrets = secrets
        self.configuration = configuration
        self.supervisorOptions = supervisorOptions
        self.version = version
        self.logger = logger
    }
}

extension ServerParts {
    /// A server whose workers' handlers run in this process (`workers`), over `storage` whose
    /// files live in `directory`: the test harness and the fuzz target. Its supervisor is never
    /// started; secrets are fixed test values (`adminAPIKey`: admin needs that key).
    public static func inProcess(
        storage: any Storage, directory: String, workers: any SearchBackend & MemoryBackend, version: String, logger: Logger,
        adminAPIKey: String? = nil
    ) -> ServerParts {
        let secrets = SecretsConfiguration(
            apiKey: String(repeating: "k", count: 40), jwtSecretKey: String(repeating: "s", count: 40),
            jwtEncryptionKey: String(repeating: "e", count: 40), adminAPIKey: adminAPIKey)
        let configuration = SCSConfiguration(
            dataDirectory: directory, storage: StorageConfiguration(backend: .sqlite(path: directory + "/scs.db")),
            workers: WorkerConfiguration(searchPoolSize: 1, runtimeDirectory: directory))
        var parts = ServerParts(
            storage: storage, secrets: secrets, configuration: configuration,
            supervisorOptions: SupervisorOptions(runtimeDirectory: directory, searchWorkers: 1, workerEnvironment: [:], version: version),
            version: version, logger: logger)
        parts.workers = workers
        parts.agentKeyCacheLifetime = 0
        // Tests post in tight loops, some on a clock that stands still: quotas they do not test are out of reach.
        parts.configuration.auth.quotas = QuotaConfiguration(writesPerSecond: 1e9, searchesPerSecond: 1e9, sessionsPerHour: 1e12)
        return parts
    }
}
