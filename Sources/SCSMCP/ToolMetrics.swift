import CoreMetrics
public import SCSCore
import Synchronization
public import OrderedCollections

/// Live per-tool figures for get_performance_metrics: calls, errors and latency percentiles over
/// the most recent calls (a ring of 2,048 samples per tool). Every call is also recorded through
/// swift-metrics, which `scs serve` exports on `/metrics`: `scs_tool_duration_seconds{tool}` (a
/// histogram) and `scs_tool_errors_total{tool,code}` (README "Metrics").
public final class ToolMetrics: Sendable {
    struct Series {
        /// Made on the tool's first call, after the metrics backend was chosen.
        let timer: CoreMetrics.Timer
        var calls = 0
        var errors = 0
        var samples: [Double] = []
        var next = 0

        mutating func record(_ milliseconds: Double, failed: Bool) {
            calls += 1
            if failed { errors += 1 }
            if samples.count < ToolMetrics.window {
                samples.append(milliseconds)
            } else {
                samples[next] = milliseconds
                next = (next + 1) % ToolMetrics.window
            }
        }
    }

    static let window = 2_048
    let series = Mutex<[String: Series]>([:])

    public init() {}

    /// One call of `tool`; `code` is the error code of a failed one (`INVALID_INPUT` for a schema
    /// violation, `ERROR` when the result named none).
    public func record(tool: String, nanoseconds: UInt64, failed: Bool, code: String? = nil) {
        let timer = series.withLock { all in
            if all[tool] == nil {
                all[tool] = Series(timer: CoreMetrics.Timer(label: "scs_tool_duration_seconds", dimensions: [("tool", tool)]))
            }
            all[tool]!.record(Double(nanoseconds) / 1e6, failed: failed)
            return all[tool]!.timer
        }
        timer.recordNanoseconds(Int64(clamping: nanoseconds))
        if failed {
            Counter(label: "scs_tool_errors_total", dimensions: [("tool", tool), ("code", code ?? "ERROR")]).increment()
        }
    }

    /// `{<tool>: {calls, errors, p50_ms, p95_ms, p99_ms}}`, tools in name order.
    public func snapshot() -> JSONObject {
        let copy = series.withLock { $0 }
        var out: JSONObject = [:]
        for name in copy.keys.sorted() {
            let entry = copy[name]!
            let sorted = entry.samples.sorted()
            func percentile(_ p: Double) -> JSONValue {
                guard !sorted.isEmpty else { return .double(0) }
                let index = min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)
                return .double((sorted[max(0, index)] * 1000).rounded() / 1000)
            }
            out[name] = [
                "calls": .int(Int64(entry.calls)), "errors": .int(Int64(entry.errors)),
                "p50_ms": percentile(0.50), "p95_ms": percentile(0.95), "p99_ms": percentile(0.99),
            ]
        }
        return out
    }
}
