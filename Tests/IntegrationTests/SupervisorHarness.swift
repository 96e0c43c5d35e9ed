import Foundation
import Logging
import SCSCore
import SCSStorage
import SCSStorageSQLite
import SCSSupervisor
import SCSWire
import Synchronization

/// A supervisor in this process running real `scs worker` processes on a temporary database.
struct SupervisorHarness: Sendable {
    let sandbox: Sandbox
    let storage: SQLiteStorage
    let supervisor: Supervisor
    let databasePath: String

    static let identity = AgentIdentity(agentID: "tester", agentType: "claude", permissions: [.read, .write])

    init(
        searchWorkers: Int = 2, executables: [WireRole: String] = [:], heartbeatInterval: Double = 0.2,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in }
    ) throws {
        sandbox = try Sandbox()
        databasePath = sandbox.root + "/scs.db"
        storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: databasePath)), schema: .migrate)
        let runtime = sandbox.root + "/run"
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let options = SupervisorOptions(
            runtimeDirectory: runtime, searchWorkers: searchWorkers,
            executables: [.search: SCSProcess.binary, .memory: SCSProcess.binary].merging(executables) { $1 },
            workerEnvironment: ["DATABASE_PATH": databasePath, "LOG_LEVEL": "warning", "PATH": "/usr/bin:/bin", "SCS_SWEEP_INTERVAL": "0.2"],
            heartbeatInterval: heartbeatInterval, version: "test")
        var logger = Logger(label: "test.supervisor")
        logger.logLevel = .warning
        supervisor = Supervisor(options: options, logger: logger, onEvent: onEvent)
    }

    /// Runs `body` with a fresh harness and always cleans up (workers stopped, files removed).
    static func with(
        searchWorkers: Int = 2, executables: [WireRole: String] = [:],
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in },
        _ body: (SupervisorHarness) async throws -> Void
    ) async throws {
        let harness = try SupervisorHarness(searchWorkers: searchWorkers, executables: executables, onEvent: onEvent)
        do {
            try await body(harness)
        } catch {
            await harness.finish()
            throw error
        }
        await harness.finish()
    }

    func finish() async {
        await supervisor.shutdown()
        try? await storage.close()
        sandbox.remove()
    }

    func search(_ session: String, _ query: String) async throws -> SearchMethod.Result {
        try await supervisor.call(SearchMethod.self, .init(identity: Self.identity, sessionID: session, query: query))
    }

    func pids(_ role: WireRole) async -> [Int32] {
        await supervisor.pool(for: role).status().filter { $0.state == "ready" }.compactMap(\.pid).sorted()
    }

    /// Waits (bounded) until `condition` holds.
    static func eventually(timeout: Double = 10, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }
}

/// Counters shared by load-generating tasks.
final class LoadCounters: Sendable {
    struct Counts: Sendable {
        var successes = 0, failures = 0, stop = false, errors: [String] = []
    }

    private let state = WaitableState(Counts())

    func success() { state.update { $0.successes += 1 } }
    func failure(_ error: String) {
        state.update {
            $0.failures += 1
            if $0.errors.count < 5 { $0.errors.append(error) }
        }
    }
    func halt() { state.update { $0.stop = true } }
    var stopped: Bool { state.value.stop }
    var successes: Int { state.value.successes }
    var failures: Int { state.value.failures }
    var errors: [String] { state.value.errors }

    /// Waits until `count` more calls than now have succeeded (the load is running), at most 30 s.
    @discardableResult
    func more(_ count: Int) async -> Bool {
        let target = successes + count
        return await state.wait(timeout: 30) { $0.successes >= target }
    }
}

/// A list appended to from many tasks.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ element: Element) { items.withLock { $0.append(element) } }
    func append(contentsOf elements: [Element]) { items.withLock { $0 += elements } }
    var all: [Element] { items.withLock { $0 } }
}
