import SCSCore
import SCSLive
import SCSStorage
import SCSMCP
import OrderedCollections

/// `get_performance_metrics` (admin): live per-tool figures, workers, database, live state.
struct GetPerformanceMetrics: Tool {
    static let name = "get_performance_metrics"
    static let readOnly = true
    static let component = "performance_monitoring"
    static let summary = "Live server figures: per-tool latency, workers, database (admin)."

    static let parameters = [AnyParameter(Parameters.authToken)]

    static func arguments(_ values: ArgumentValues) -> String? { values[Parameters.authToken] }

    static func handle(_ authToken: String?, _ call: ToolCall) async throws -> JSONObject {
        let env = call.env
        let identity = try await call.caller(authToken)
        try call.requireAdmin(identity)
        let size = (try? await env.storage.sizeBytes()) ?? 0
        let migrations = (try? await env.storage.appliedMigrations()) ?? []
        return ToolJSON.ok([
            "timestamp": .string(call.nowISO), "uptime_s": .double(SearchContext.rounded(call.now - env.startedAt, 1000)),
            "tools": .object(env.metrics.snapshot()),
            "workers": .array(await env.workerStatus()),
            "database": [
                "backend": .string(env.storage.backendName), "size_bytes": .int(size),
                "migrations_applied": .int(Int64(migrations.count)), "health_status": "healthy",
            ],
            "live": [
                "sse_streams": .int(Int64(env.hub.openStreamCount)), "waiting_long_polls": .int(Int64(env.events.waiterCount)),
            ],
            "database_backend": .string(env.storage.backendName), "migration_status": "complete",
            "requesting_agent": .string(identity.agentID), "request_timestamp": .string(call.nowISO),
        ])
    }
}
