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
///
/// Nothing here polls: waiters suspend on `phase` (the machine's state, set by every event) or on
/// the client's `activity`, and are resumed by the change they wait for. Every task the slot
/// starts is held in `tasks` and removes itself when done; `stop()` cancels and awaits them all
/// (docs/ARCHITECTURE.md, "Concurrency").
actor WorkerSlot {
    nonisolated let role: WireRole
    nonisolated let id: Int
    /// Its place in the pool (kept by replacements; search affinity hashes it).
    nonisolated let position: Int
    /// The lifecycle state after the last event, for waiters outside the actor.
    nonisolated let phase = WaitableState(WorkerLifecycle.State.idle)
    let options: SupervisorOptions
    let clock: any WallClock
    let logger: Logger
    let routes: RoutingTable
    let onEvent: @Sendable (WorkerEvent) -> Void

    private var machine: WorkerLifecycle
    private var process: ChildProcess?
    private var client: WireClient?
    private var socketPath: String?
    private var generation = 0
    /// Tasks this slot started and has not seen finish, by id.
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var nextTask = 0
    private var heartbeat: Int?
    private var lastError: WorkerFailure?
    /// Why the supervisor is killing the current worker, until it exits.
    private var killCause: String?

    init(
        role: WireRole, id: Int, position: Int, options: SupervisorOptions, clock: any WallClock, logger: Logger, routes: RoutingTable,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void
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

    /// Starts `body` as a task this slot owns until it finishes.
    @discardableResult
    private func own(_ body: @escaping @Sendable (isolated WorkerSlot) async -> Void) -> Int {
        nextTask += 1
        let number = nextTask
        tasks[number] = Task {
            await body(self)
            self.finished(number)
        }
        return number
    }

    private func finished(_ number: Int) { tasks[number] = nil }

    /// Waits until the slot is ready; false when `timeout` seconds pass first.
    nonisolated func waitUntilReady(timeout: Double) async -> Bool {
        await phase.wait(timeout: timeout) { if case .ready = $0 { true } else { false } }
    }

    func start() { handle(.start) }

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
        phase.set(machine.state)
        switch action {
        case .none: break
        case .spawn: spawn()
        case .connect(let pid): connect(pid: pid)
        case .kill(let pid, let signal): if process?.pid == pid { process?.signal(signal) }
        case .retry(let delay):
            logger.warning("worker failed before its hello; retrying", metadata: ["role": "\(role)", "delay_s": "\(delay)"])
            own { [clock] slot in
                try? await clock.sleep(seconds: delay)
                if !Task.isCancelled { slot.handle(.backoffElapsed) }
            }
        }
    }

    private func spawn() {
        generation += 1
        let path = "\(options.runtimeDirectory)/\(role.rawValue.prefix(1))\(id)-\(generation).sock"
        socketPath = path
        let executable = options.executables[role] ?? ChildProcess.currentExecutable
        do {
            // Bound here and handed over, so the hello is awaited on one connection that needs no
            // retry; the supervisor's copy closes when `listener` goes out of scope.
            let listener = try ListeningSocket(path: path)
            let child = try ChildProcess.spawn(
                executable: executable, arguments: ["worker", role.rawValue, "--socket", path],
                environment: options.workerEnvironment.merging([
                    "SCS_LIFELINE_FD": "3", "SCS_LISTEN_FD": "\(ChildProcess.listenerDescriptor)",
                ]) { $1 },
                listener: listener.descriptor)
            process = child
            logger.info("worker spawned", metadata: ["role": "\(role)", "slot": "\(id)", "pid": "\(child.pid)"])
            own { slot in
                let status = await child.waitForExit()
                slot.exited(child, status: status)
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
        let hello = Hello(role: .supervisor, pid: getpid(), version: options.version)
        own { [options, onEvent] slot in
            do {
                let client = try await WireClient.connect(
                    path: path, hello: hello, maximumFrameBytes: options.maximumFrameBytes,
                    timeout: options.helloTimeout, callTimeout: options.callTimeout, onEvent: onEvent)
                slot.helloArrived(pid: pid, client: client)
            } catch {
                if !Task.isCancelled { slot.helloFailed(pid: pid, error) }
            }
        }
    }

    /// No hello within the timeout, or the connection failed before it (the worker died: its
    /// exit, seen separately, decides what happens next).
    private func helloFailed(pid: Int32, _ error: any Error) {
        guard machine.pid == pid else { return }
        killCause = "no hello within \(options.helloTimeout) s (\(error))"
        handle(.helloTimedOut)
    }

    private func helloArrived(pid: Int32, client: WireClient) {
        guard machine.pid == pid, case .starting = machine.state, client.peer.role == role else {
            client.beginClose()
            return
        }
        self.client = client
        handle(.helloReceived)
        routes.publish(slot: id, position: position, client: client)
        logger.info("worker ready", metadata: ["role": "\(role)", "slot": "\(id)", "pid": "\(pid)"])
        startHeartbeat(pid: pid, client: client)
    }

    /// Pings every `heartbeatInterval`; between pings it waits on the connection, so a close is
    /// seen at once (`connectionClosed`) rather than at the next ping.
    private func startHeartbeat(pid: Int32, client: WireClient) {
        if let heartbeat { tasks[heartbeat]?.cancel() }
        heartbeat = own { [options, clock] slot in
            var failures = 0
            while !Task.isCancelled {
                if await client.activity.wait(timeout: options.heartbeatInterval, until: { $0.closed }) {
                    slot.connectionClosed(pid: pid)
                    return
                }
                if Task.isCancelled { return }
                let ok = await Self.ping(client, within: options.heartbeatInterval * 2, clock: clock) != nil
                failures = ok ? 0 : failures + 1
                if failures >= options.heartbeatFailures {
                    slot.heartbeatFailed(pid: pid)
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
            if let heartbeat { tasks[heartbeat]?.cancel() }
            heartbeat = nil
            client?.beginClose()
            client = nil
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
        if let client {
            _ = await client.activity.wait(timeout: options.drainTimeout, cancellable: false) { $0.inFlight == 0 || $0.closed }
        }
        await stop()
    }

    /// SIGTERM, then SIGKILL if the worker has not exited within 5 seconds; then cancels and
    /// awaits every task the slot started. Runs its course in a cancelled task too (each wait is
    /// bounded).
    func stop() async {
        routes.withdraw(slot: id)
        for task in tasks.values { task.cancel() }
        handle(.stop)
        let stopped: @Sendable (WorkerLifecycle.State) -> Bool = { $0 == .stopped }
        if !(await phase.wait(timeout: 5, cancellable: false, until: stopped)), let process {
            process.signal(WorkerLifecycle.sigkill)
            _ = await phase.wait(timeout: 5, cancellable: false, until: stopped)
        }
        // The exit watch has finished when the machine saw the exit; a worker that survived
        // SIGKILL (stuck in the kernel) leaves its watch behind rather than hanging shutdown.
        guard machine.state == .stopped else { return }
        while let (number, task) = tasks.first {
            await task.value
            tasks[number] = nil
        }
    }
}
