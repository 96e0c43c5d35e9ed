public import Hummingbird
import NIOCore
public import SCSAuth
public import SCSCore
public import SCSStorage
public import SCSSupervisor
import SCSWire

/// `GET /health`: the database and every worker (pid, state, restarts, uptime).
/// Without the API key it says only `up` or `down`: the details (pids, sizes, counts) need the key.
public struct HealthEndpoint: Sendable {
    let supervisor: Supervisor
    let storage: any Storage
    let clock: any WallClock
    let version: String
    let apiKey: APIKeyVerifier?
    /// Counts of bounded live state (connections, MCP sessions, streams, long-polls, subscriptions).
    let live: @Sendable () async -> JSONObject

    public init(
        supervisor: Supervisor, storage: any Storage, clock: any WallClock = SystemClock(), version: String,
        apiKey: APIKeyVerifier? = nil, live: @escaping @Sendable () async -> JSONObject = HealthEndpoint.noCounts
    ) {
        self.supervisor = supervisor
        self.storage = storage
        self.clock = clock
        self.version = version
        self.apiKey = apiKey
        self.live = live
    }

    @Sendable public static func noCounts() async -> JSONObject { JSONObject() }

    /// The health document and its HTTP status (503 when the database is unreachable).
    public func report() async -> (HTTPResponse.Status, JSONValue) {
        let (state, workers) = await supervisor.health()
        var database: JSONObject = ["backend": .string(storage.backendName)]
        var databaseOK = true
        do {
            try await storage.ping()
            database["status"] = "healthy"
            database["size_bytes"] = .int(try await storage.sizeBytes())
        } catch {
            databaseOK = false
            database["status"] = "unhealthy"
        }
        let status = !databaseOK ? "unhealthy" : state == "ready" ? "healthy" : state
        let body: JSONValue = [
            "status": .string(status), "timestamp": .string(Timestamp.iso(clock.now())),
            "server": "shared-context-server", "version": .string(version),
            "uptime_s": .double(((clock.now() - supervisor.startedAt) * 1000).rounded() / 1000),
            "database": .object(database),
            "workers": .array(workers.map(Self.json)),
            "limits": .object(await live()),
        ]
        return (databaseOK ? .ok : .serviceUnavailable, body)
    }

    static func json(_ worker: WorkerStatus) -> JSONValue {
        [
            "role": .string(worker.role.rawValue), "slot": .int(Int64(worker.slot)),
            "pid": worker.pid.map { .int(Int64($0)) } ?? .null, "state": .string(worker.state),
            "restarts": .int(Int64(worker.restarts)), "uptime_s": .double((worker.uptime * 1000).rounded() / 1000),
            "degraded": .bool(worker.degraded), "in_flight": .int(Int64(worker.inFlight)),
        ]
    }

    public func register(on router: Router<some RequestContext>) {
        router.get("/health") { request, _ -> Response in
            let (status, body) = await report()
            if let apiKey, !apiKey.isValid(request.headers[MCPEndpoint.apiKeyHeader]) {
                return JSONResponse.make(status: status, body: ["status": status == .ok ? "up" : "down"])
            }
            return JSONResponse.make(status: status, body: body)
        }
    }
}

/// JSON responses from `JSONValue`s (compact, UTF-8).
public enum JSONResponse {
    public static func make(status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let bytes = body.compactBytes
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
