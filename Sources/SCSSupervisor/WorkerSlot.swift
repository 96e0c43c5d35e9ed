#if canImport(Glibc)
    import Glibc
#endif
import Dispatch
import Logging
import SCSCore
import SCSWire

/// One worker position in a pool: runs the lifecycle machine and carries out its actions. When
/// its worker is ready it publishes the client to the pool's routing table; when the worker dies
/// it withdraws it at once.
actor WorkerSlot {
    nonisolated let role: WireRole
    nonisolated let id: Int
    /// Its place in the pool (kept by replacements; search affinity hashes it).
    nonisolated let position: Int
    let options: SupervisorOptions
    let clock: any WallClock
    let logger: Logger
    let routes: RoutingTable
    let onEvent: @Sendable (String, JSONValue) -> Void

    private var machine: WorkerLifecycle
    private var process: ChildProcess?
    private var client: WireClient?
    private var socketPath: String?
    private var generation = 0
    private var timers: [Task<Void, Never>] = []
    private var heartbeat: Task<Void, Never>?
    private var lastError: WorkerFailure?
    /// Why the supervisor is killing the current worker, until it exits.
    private var killCause: String?

    init(
        role: WireRole, id: Int, position: Int, options: SupervisorOptions, clock: any WallClock, logger: Logger, routes: RoutingTable,
        onEvent: @escaping @Sendable (String, JSONValue) -> Void
    ) {
        self.role = role
        self.id = id
        self.position = position
        self.options = options
        self.clock = clock
        self.logger = logger
        self.routes = routes
        self.onEvent = onEvent
        machine = WorkerLifecycle(policy: options.policy)
    }

    func start() { handle(.start) }

    var isReady: Bool { machine.isReady }
    var isStopped: Bool { machine.state == .stopped }

    /// The slot's state, with the worker's own figures when it answers a ping within a second.
    func status() async -> WorkerStatus {
        var status = currentStatus()
        if machine.isReady, let client {
            status.report = await Self.ping(client, within: 1, clock: clock)
        }
        return status
    }

    private func currentStatus() -> WorkerStatus {
        let state: String
        var uptime = 0.0
        switch machine.state {
        case .idle: state = "idle"
        case .starting: state = "starting"
        case .ready(_, let since):
            state = "ready"
            uptime = max(0, clock.now() - since)
        case .backoff: state = "backoff"
        case .stopping: state = "stopping"
        case .stopped: state = "stopped"
        }
        return WorkerStatus(
            role: role, slot: id, pid: machine.pid, state: state, restarts: machine.restarts, uptime: uptime,
            degraded: machine.degraded, inFlight: client?.inFlight ?? 0, lastError: lastError, position: position)
    }

    private func failed(_ reason: String) { lastError = WorkerFailure(reason: reason, at: clock.now()) }

    private func handle(_ event: WorkerLifecycle.Event) {
        let action = machine.handle(event, now: clock.now())
        switch action {
        case .none: break
        case .spawn: spawn()
        case .connect(let pid): connect(pid: pid)
        case .kill(let pid, let signal): if process?.pid == pid { process?.signal(signal) }
        case .retry(let delay):
            logger.warning("worker failed before its hello; retrying", metadata: ["role": "\(role)", "delay_s": "\(delay)"])
            timers.append(Task { [clock] in
                try? await clock.sleep(seconds: delay)
                if !Task.isCancelled { self.handle(.backoffElapsed) }
            })
        }
    }

    private func spawn() {
        generation += 1
        let path = "\(options.runtimeDirectory)/\(role.rawValue.prefix(1))\(id)-\(generation).sock"
        unlink(path)
        socketPath = path
        let executable = options.executables[role] ?? ChildProcess.currentExecutable
        do {
            let child = try ChildProcess.spawn(
                executable: executable, arguments: ["worker", role.rawValue, "--socket", path],
                environment: options.workerEnvironment.merging(["SCS_LIFELINE_FD": "3"]) { $1 })
            process = child
            logger.info("worker spawned", metadata: ["role": "\(role)", "slot": "\(id)", "pid": "\(child.pid)"])
            Task {
                let status = await child.waitForExit()
                self.exited(child, status: status)
            }
            handle(.spawned(pid: child.pid))
        } catch {
            logger.error("cannot spawn worker", metadata: ["role": "\(role)", "error": "\(error)"])
            failed("cannot spawn: \(error)")
            handle(.spawnFailed)
        }
    }

    private func connect(pid: Int32) {
        guard let path = socketPath else { return }
        let deadline = clock.now() + options.helloTimeout
        let hello = Hello(role: .supervisor, pid: getpid(), version: options.version)
        timers.append(Task { [options, clock, onEvent] in
            while !Task.isCancelled && clock.now() < deadline {
                do {
                    let client = try await WireClient.connect(
                        path: path, hello: hello, maximumFrameBytes: options.maximumFrameBytes,
                        timeout: max(0.1, deadline - clock.now()), callTimeout: options.callTimeout, onEvent: onEvent,
                        onClose: { Task { await self.connectionClosed(pid: pid) } })
                    self.helloArrived(pid: pid, client: client)
                    return
                } catch {
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            if !Task.isCancelled { self.helloTimedOut() }
        })
    }

    private func helloTimedOut() {
        killCause = "no hello within \(options.helloTimeout) s"
        handle(.helloTimedOut)
    }

    private func helloArrived(pid: Int32, client: WireClient) {
        guard machine.pid == pid, case .starting = machine.state, client.peer.role == role else {
            Task { await client.close() }
            return
        }
        self.client = client
        handle(.helloReceived)
        routes.publish(slot: id, position: position, client: client)
        logger.info("worker ready", metadata: ["role": "\(role)", "slot": "\(id)", "pid": "\(pid)"])
        startHeartbeat(pid: pid, client: client)
    }

    private func startHeartbeat(pid: Int32, client: WireClient) {
        heartbeat?.cancel()
        heartbeat = Task { [options, clock] in
            var failures = 0
            while !Task.isCancelled {
                try? await clock.sleep(seconds: options.heartbeatInterval)
                if Task.isCancelled { return }
                let ok = await Self.ping(client, within: options.heartbeatInterval * 2, clock: clock) != nil
                failures = ok ? 0 : failures + 1
                if failures >= options.heartbeatFailures {
                    self.heartbeatFailed(pid: pid)
                    return
                }
            }
        }
    }

    /// The worker's answer to a ping, or nil when none came within `seconds`.
    static func ping(_ client: WireClient, within seconds: Double, clock: any WallClock) async -> PingMethod.Result? {
        await withTaskGroup(of: PingMethod.Result?.self) { group in
            group.addTask { try? await client.call(PingMethod.self, WireEmpty()) }
            group.addTask {
                try? await clock.sleep(seconds: seconds)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func heartbeatFailed(pid: Int32) {
        guard machine.pid == pid else { return }
        logger.error("worker stopped answering heartbeats; killing it", metadata: ["role": "\(role)", "pid": "\(pid)"])
        killCause = "stopped answering heartbeats"
        routes.withdraw(slot: id)
        handle(.heartbeatFailed)
    }

    /// The connection closed while the process may still run: stop routing to it; if the worker
    /// is supposed to be ready, it is unusable, so replace it.
    private func connectionClosed(pid: Int32) {
        guard machine.pid == pid else { return }
        routes.withdraw(slot: id)
        if machine.isReady { handle(.heartbeatFailed) }
    }

    private func exited(_ child: ChildProcess, status: Int32) {
        if process?.pid == child.pid {
            routes.withdraw(slot: id)
            heartbeat?.cancel()
            heartbeat = nil
            let old = client
            client = nil
            Task { await old?.close() }
            process = nil
            if let socketPath { unlink(socketPath) }
        }
        child.closeLifeline()
        let expected = machine.state == .stopping(pid: child.pid)
        if !expected {
            // After a kill for missed hello or heartbeats, the cause comes first.
            let exit = WorkerFailure.describe(waitStatus: status)
            failed(killCause.map { "\($0) (\(exit))" } ?? exit)
        }
        killCause = nil
        logger.log(
            level: expected ? .info : .error, "worker exited",
            metadata: ["role": "\(role)", "slot": "\(id)", "pid": "\(child.pid)", "status": "\(status)"])
        handle(.exited(pid: child.pid))
    }

    /// Stops routing here, waits (bounded) for requests in flight, then stops the worker.
    func drainAndStop() async {
        routes.withdraw(slot: id)
        let deadline = clock.now() + options.drainTimeout
        while let client, client.inFlight > 0, clock.now() < deadline {
            await Self.pause()
        }
        await stop()
    }

    /// SIGTERM, then SIGKILL if the worker has not exited within 5 seconds.
    func stop() async {
        routes.withdraw(slot: id)
        for timer in timers { timer.cancel() }
        timers.removeAll()
        heartbeat?.cancel()
        handle(.stop)
        let deadline = clock.now() + 5
        while machine.state != .stopped, clock.now() < deadline { await Self.pause() }
        if machine.state != .stopped, let process {
            process.signal(WorkerLifecycle.sigkill)
            let killed = clock.now() + 5
            while machine.state != .stopped, clock.now() < killed { await Self.pause() }
        }
    }

    /// Waits 10 ms even in a cancelled task (`Task.sleep` would return at once there and turn a
    /// wait loop into a spin that never lets the exit handler run on this actor).
    static func pause() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(10)) { continuation.resume() }
        }
    }
}
