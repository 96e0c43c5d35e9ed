import Foundation
import SCSCore
import SCSMCP
import SCSStorage
import SCSWire

/// search_context (through a search worker), search_by_sender, search_by_timerange.
extension ToolCall {
    static func rounded(_ value: Double, _ places: Double = 100) -> Double { (value * places).rounded() / places }

    /// Python's `content[:150] + "..."` when `len(content) > 150`: code points, not graphemes.
    static func preview(_ content: String) -> String {
        if content.utf8.count <= 150 { return content }  // never more code points than bytes
        let scalars = content.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: 150, limitedBy: scalars.endIndex),
            end != scalars.endIndex
        else { return content }
        return String(scalars[..<end]) + "..."
    }

    func searchContext() async -> JSONObject {
        await run("database", "search_context") {
            let started = DispatchTime.now().uptimeNanoseconds
            let sessionID = string("session_id") ?? ""
            let identity = try await caller(on: sessionID)
            let query = string("query") ?? ""
            let threshold = invocation.double("fuzzy_threshold") ?? 60
            let scope = string("search_scope") ?? "all"
            let result = try await env.workers.call(SearchMethod.self, SearchMethod.Params(
                identity: identity, sessionID: sessionID, query: query, threshold: threshold, limit: int("limit") ?? 10,
                searchMetadata: invocation.bool("search_metadata") ?? true, scope: scope))
            // An unknown session has no candidates: only then is it worth a read to tell it apart
            // from a session with nothing visible to the caller.
            if result.candidates == 0 { _ = try await session(sessionID) }
            // The hits that fit in the result budget (each carries its content and a preview).
            var budget = env.resultBudget
            let hits = result.hits.prefix { hit in
                budget -= hit.message.estimatedJSONBytes + 1_024
                return budget >= 0
            }
            let truncated = result.truncated || hits.count < result.hits.count
            let results: [JSONValue] = hits.map { hit in
                let message = hit.message
                let preview = Self.preview(message.content)
                let score = Self.rounded(hit.score)
                return [
                    "message": [
                        "id": .int(message.id), "sender": .string(message.sender), "content": .string(message.content),
                        "timestamp": .double(message.timestamp), "visibility": .string(message.visibility.rawValue),
                        "metadata": .object(message.metadata ?? [:]),
                    ],
                    "score": .double(score), "match_preview": .string(preview),
                    "relevance": .string(score >= 80 ? "high" : score >= 60 ? "medium" : "low"),
                ]
            }
            let elapsed = Self.rounded(Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
            auditLater("context_searched", agentID: identity.agentID, sessionID: sessionID, [
                "query": .string(String(query.prefix(500))), "results_count": .int(Int64(results.count)),
                "threshold": .double(threshold), "search_scope": .string(scope), "search_time_ms": .double(elapsed),
            ])
            return ToolJSON.ok(ToolJSON.marked([
                "results": .array(results), "query": .string(query), "threshold": .double(threshold),
                "search_scope": .string(scope), "message_count": .int(Int64(results.count)), "search_time_ms": .double(elapsed),
                "performance_note": "RapidFuzz-compatible partial_ratio over a per-session in-memory index",
                "cache_hit": false,
            ], truncated: truncated))
        }
    }

    func searchBySender() async -> JSONObject {
        await run("database", "search_by_sender") {
            let sessionID = string("session_id") ?? ""
            let identity = try await caller(on: sessionID)
            let sender = string("sender") ?? ""
            let page = try await env.storage.messages(
                MessageQuery(sessionID: sessionID, sender: sender, order: .descending, limit: int("limit") ?? 20, maxBytes: env.resultBudget),
                reader: identity)
            if page.messages.isEmpty { _ = try await session(sessionID) }
            return ToolJSON.ok(ToolJSON.marked([
                "messages": ToolJSON.messages(page.messages), "sender": .string(sender),
                "count": .int(Int64(page.messages.count)),
            ], truncated: page.truncated))
        }
    }

    /// ISO 8601 as Python's `fromisoformat` after `Z` → `+00:00`; naive values are UTC.
    static func parseTime(_ text: String) -> Double? {
        Timestamp.parseISO(text.replacingOccurrences(of: "Z", with: "+00:00"))
    }

    static var invalidDatetime: SCSError {
        SCSError(
            code: .invalidDatetime, message: "Invalid datetime format", severity: .warning,
            suggestions: ["Use ISO 8601, e.g. 2026-01-31T12:00:00Z or 2026-01-31"])
    }

    func searchByTimerange() async -> JSONObject {
        await run("database", "search_by_timerange") {
            let start = string("start_time") ?? ""
            let end = string("end_time") ?? ""
            guard let since = Self.parseTime(start), let until = Self.parseTime(end) else { throw Self.invalidDatetime }
            let sessionID = string("session_id") ?? ""
            let identity = try await caller(on: sessionID)
            let page = try await env.storage.messages(
                MessageQuery(
                    sessionID: sessionID, since: since, until: until, order: .ascending, limit: int("limit") ?? 50, maxBytes: env.resultBudget),
                reader: identity)
            if page.messages.isEmpty { _ = try await session(sessionID) }
            return ToolJSON.ok(ToolJSON.marked([
                "messages": ToolJSON.messages(page.messages),
                "timerange": ["start": .string(start), "end": .string(end)], "count": .int(Int64(page.messages.count)),
            ], truncated: page.truncated))
        }
    }
}
