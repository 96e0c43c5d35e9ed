public import SCSWire

/// How the supervisor runs its workers.
public struct SupervisorOptions: Sendable {
    /// Private directory (0700) of the worker and control sockets.
    public var runtimeDirectory: String
    public var searchWorkers: Int
    /// The binary each role runs (default: this executable, as `<exe> worker <role> --socket …`).
    public var executables: [WireRole: String]
    /// The workers' whole environment (database location, log level; never secrets).
    public var workerEnvironment: [String: String]
    public var maximumFrameBytes: Int
    /// Seconds a new worker has to say hello.
    public var helloTimeout: Double
    public var heartbeatInterval: Double
    /// Consecutive failed heartbeats before a worker is killed and restarted.
    public var heartbeatFailures: Int
    /// Seconds a request waits for a ready worker before WORKER_UNAVAILABLE.
    public var requestWait: Double
    /// Seconds a worker has to answer one request before it fails with WORKER_UNAVAILABLE.
    public var callTimeout: Double = WireProtocol.defaultCallTimeout
    /// Whether requests with an affinity key (a search's session) go by rendezvous hashing; off,
    /// every request goes to the least busy worker.
    public var affinity = true
    /// Seconds a draining worker gets to finish its requests.
    public var drainTimeout: Double
    public var policy: WorkerLifecycle.Policy
    public var version: String

    public init(
        runtimeDirectory: String, searchWorkers: Int, executables: [WireRole: String] = [:],
        workerEnvironment: [String: String], maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes,
        helloTimeout: Double = 10, heartbeatInterval: Double = 1, heartbeatFailures: Int = 3, requestWait: Double = 2,
        drainTimeout: Double = 10, policy: WorkerLifecycle.Policy = .init(), version: String
    ) {
        self.runtimeDirectory = runtimeDirectory
        self.searchWorkers = searchWorkers
        self.executables = executables
        self.workerEnvironment = workerEnvironment
        self.maximumFrameBytes = maximumFrameBytes
        self.helloTimeout = helloTimeout
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatFailures = heartbeatFailures
        self.requestWait = requestWait
        self.drainTimeout = drainTimeout
        self.policy = policy
        self.version = version
    }

    public var controlSocketPath: String { runtimeDirectory + "/control.sock" }
}

/// One worker as `/health` and `scs workers status` report it.
public struct WorkerStatus: Sendable, Equatable {
    public var role: WireRole
    public var slot: Int
    public var pid: Int32?
    /// idle, starting, ready, backoff, stopping, stopped
    public var state: String
    public var restarts: Int
    /// Seconds since the current process said hello (0 when not ready).
    public var uptime: Double
    public var degraded: Bool
    public var inFlight: Int
    /// Why this slot's last worker failed (spawn error, exit status, missed hello or
    /// heartbeats), and when (wall-clock seconds); nil while none has.
    public var lastError: WorkerFailure?
    /// Its place in the pool (kept across restarts; search affinity hashes it).
    public var position: Int
    /// The worker's own answer to a ping just now (memory, indexes); nil when it is not ready or
    /// did not answer within a second.
    public var report: PingMethod.Result?

    public init(
        role: WireRole, slot: Int, pid: Int32?, state: String, restarts: Int, uptime: Double, degraded: Bool, inFlight: Int,
        lastError: WorkerFailure? = nil, position: Int = 0, report: PingMethod.Result? = nil
    ) {
        self.role = role
        self.slot = slot
        self.pid = pid
        self.state = state
        self.restarts = restarts
        self.uptime = uptime
        self.degraded = degraded
        self.inFlight = inFlight
        self.lastError = lastError
        self.position = position
        self.report = report
    }
}

/// A worker failure as `/health` reports it.
public struct WorkerFailure: Sendable, Equatable {
    public var reason: String
    public var at: Double

    public init(reason: String, at: Double) {
        self.reason = reason
        self.at = at
    }

    /// A `waitpid` status in words: `exited with status 70`, `killed by signal 9`.
    public static func describe(waitStatus status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0 ? "exited with status \((status >> 8) & 0xff)" : "killed by signal \(signal)"
    }
}
