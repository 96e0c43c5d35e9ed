import Foundation
public import SCSCore
public import SCSStorage
public import SCSSupervisor
import SCSWire
public import OrderedCollections

/// What `/health` reports: this node's id, the database (backend, role, state), every worker (pid, state, restarts, uptime) and the
/// counts of bounded live state (connections, MCP sessions, streams, long-polls, subscriptions).
public struct HealthReport: Sendable {
    let supervisor: Supervisor
    let storage: any HealthStore
    let clock: any WallClock
    let version: String
    let live: @Sendable () async -> JSONObject
    let peers: (@Sendable () -> JSONObject)?
    /// Tells the nodes sharing one database apart (`SCS_NODE_ID`, else host name and pid).
    public static let nodeID: String = {
        if let configured = ProcessInfo.processInfo.environment["SCS_NODE_ID"], !configured.isEmpty { return String(configured.prefix(64)) }
        return ProcessInfo.processInfo.hostName + "-" + String(ProcessInfo.processInfo.processIdentifier)
    }()

    public init(
        supervisor: Supervisor, storage: any HealthStore, clock: any WallClock = SystemClock(), version: String,
        live: @escaping @Sendable () async -> JSONObject = HealthReport.noCounts, peers: (@Sendable () -> JSONObject)? = nil
    ) {
        self.peers = peers
        self.supervisor = supervisor
        self.storage = storage
        self.clock = clock
        self.version = version
        self.live = live
    }

    @Sendable public static func noCounts() async -> JSONObject { JSONObject() }

    /// The health document; not healthy (503) when the database is unreachable.
    public func report() async -> (healthy: Bool, body: JSONValue) {
        let (state, workers) = await supervisor.health()
        var database: JSONObject = ["backend": .string(storage.backendName)]
        var databaseOK = true
        do {
            try await storage.ping()
            database["status"] = "healthy"
            database["role"] = .string(try await storage.databaseRole())
            database["size_bytes"] = .int(try await storage.sizeBytes())
        } catch {
            databaseOK = false
            database["status"] = "unhealthy"
        }
        let status = !databaseOK ? "unhealthy" : state == "ready" ? "healthy" : state
        var body: JSONObject = [
            "status": .string(status), "timestamp": .string(Timestamp.iso(clock.now())),
            "server": "shared-context-server", "version": .string(version), "node_id": .string(Self.nodeID),
            "uptime_s": .double(((clock.now() - supervisor.startedAt) * 1000).rounded() / 1000),
            "database": .object(database),
            "workers": .array(workers.map(Self.json)),
            "last_errors": .object(Self.lastErrors(workers)),
            "limits": .object(await live()),
        ]
        if let peers { body["peers"] = .object(peers()) }
        return (databaseOK, .object(body))
    }

    /// Each role's most recent worker failure (null for a role that has had none).
    static func lastErrors(_ workers: [WorkerStatus]) -> JSONObject {
        var roles: JSONObject = [:]
        for role in [WireRole.search, .memory] {
            let latest = workers.filter { $0.role == role }.compactMap { worker in worker.lastError.map { (worker.slot, $0) } }
                .max { $0.1.at < $1.1.at }
            roles[role.rawValue] = latest.map { slot, failure in
                ["slot": .int(Int64(slot)), "reason": .string(failure.reason), "at": .string(Timestamp.iso(failure.at))]
            } ?? .null
        }
        return roles
    }

    static func json(_ worker: WorkerStatus) -> JSONValue {
        var object: JSONObject = [
            "last_error": worker.lastError.map { .string($0.reason) } ?? .null,
            "role": .string(worker.role.rawValue), "slot": .int(Int64(worker.slot)),
            "pid": worker.pid.map { .int(Int64($0)) } ?? .null, "state": .string(worker.state),
            "restarts": .int(Int64(worker.restarts)), "uptime_s": .double((worker.uptime * 1000).rounded() / 1000),
            "degraded": .bool(worker.degraded), "in_flight": .int(Int64(worker.inFlight)),
            "position": .int(Int64(worker.position)),
        ]
        if let report = worker.report {
            object["rss_bytes"] = .int(Int64(report.rssBytes))
            if let index = report.index { object["index"] = index.wire }
        }
        return .object(object)
    }
}
