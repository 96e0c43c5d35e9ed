import CoreMetrics
import SCSCore
public import Prometheus
import SCSStorage
import SCSSupervisor
import SCSWire
import OrderedCollections

/// The Prometheus side of swift-metrics for `scs serve`: the registry every `Timer`, `Counter`
/// and `Recorder` of the process reports to, and the gauges set from live state on each scrape
/// (workers, search indexes, database and WAL sizes, MCP sessions, streams, long-polls). Metric
/// names are listed in the README ("Metrics").
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Tool calls take well under a millisecond; the library's buckets start at 5 ms.
    static let toolBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30),
    ]
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// Makes Prometheus the process's metrics backend. Call once, first thing, before anything
    /// creates a metric (a metric made earlier reports nowhere).
    public static func bootstrap() -> ServerMetrics {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["scs_tool_duration_seconds"] = toolBuckets
        factory.valueHistogramBuckets["scs_sqlite_commit_batch_size"] = batchBuckets
        MetricsSystem.bootstrap(factory)
        return ServerMetrics(registry: registry)
    }

    /// Sets the live gauges, then renders the whole registry.
    /// `live` holds the counts `/health` shows, by name without the `scs_` prefix.
    func render(supervisor: Supervisor, storage: any HealthStore, live: JSONObject) async -> [UInt8] {
        for worker in await supervisor.status() {
            let labels = [("role", worker.role.rawValue), ("position", String(worker.position))]
            Gauge(label: "scs_worker_up", dimensions: labels).record(worker.state == "ready" ? 1 : 0)
            Gauge(label: "scs_worker_restarts", dimensions: labels).record(worker.restarts)
            Gauge(label: "scs_worker_in_flight", dimensions: labels).record(worker.inFlight)
            Gauge(label: "scs_worker_degraded", dimensions: labels).record(worker.degraded ? 1 : 0)
            guard let report = worker.report else { continue }
            Gauge(label: "scs_worker_resident_bytes", dimensions: labels).record(report.rssBytes)
            if let index = report.index {
                let position = [("position", String(worker.position))]
                Gauge(label: "scs_search_index_sessions", dimensions: position).record(index.sessions)
                Gauge(label: "scs_search_index_bytes", dimensions: position).record(index.bytes)
                Gauge(label: "scs_search_index_cold_loads", dimensions: position).record(index.coldLoads)
            }
        }
        if let size = try? await storage.sizeBytes() { Gauge(label: "scs_database_bytes").record(size) }
        if let wal = await storage.walBytes() { Gauge(label: "scs_sqlite_wal_bytes").record(wal) }
        for (name, value) in live { if let count = value.intValue { Gauge(label: "scs_\(name)").record(count) } }
        return registry.emitToBuffer()
    }
}
