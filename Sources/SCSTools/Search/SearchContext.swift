import Foundation
import SCSCore
import OrderedCollections

/// `search_context`: RapidFuzz-compatible fuzzy search over the whole session, served by a
/// search worker; the hits that fit in the result budget, best first.
struct SearchContext: Tool {
    static let name = "search_context"
    static let readOnly = true
    static let summary = "Fuzzy search (RapidFuzz partial_ratio) over the messages of a session you may see."

    static let query = Parameter<String>.text("query", "Text to look for (at most 1,000 characters).", maxLength: Limits.queryLength)
    static let fuzzyThreshold = Parameter<Double>.number(
        S.property("fuzzy_threshold", "Minimum score, 0-100.", ["default": 60.0, "maximum": 100, "minimum": 0, "type": "number"]), default: 60)
    static let limit = Parameter<Int>.integer("limit", "Most results.", default: 10, minimum: 1, maximum: 100)
    static let searchMetadata = Parameter<Bool>.flag("search_metadata", "Also match metadata values.", default: true)
    static let searchScope = Parameter<SearchScope>.choice("search_scope", "all, public or private.", default: .all)
    static let parameters = [
        AnyParameter(Parameters.sessionID), AnyParameter(query), AnyParameter(Parameters.authToken), AnyParameter(fuzzyThreshold),
        AnyParameter(limit), AnyParameter(searchMetadata), AnyParameter(searchScope),
    ]

    struct Arguments: Sendable {
        var session: SessionArguments
        var query: String
        var threshold: Double
        var limit: Int
        var searchMetadata: Bool
        var scope: SearchScope
    }

    static func arguments(_ values: ArgumentValues) -> Arguments {
        Arguments(
            session: SessionArguments(values), query: values[query], threshold: values[fuzzyThreshold], limit: values[limit],
            searchMetadata: values[searchMetadata], scope: values[searchScope])
    }

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

    static func handle(_ arguments: Arguments, _ call: ToolCall) async throws -> JSONObject {
        let started = DispatchTime.now().uptimeNanoseconds
        let sessionID = arguments.session.sessionID
        let identity = try await call.caller(arguments.session.authToken, on: sessionID)
        try call.charge(.search, identity)
        let result = try await call.env.search.search(SearchQuery(
            sessionID: sessionID, query: arguments.query, reader: identity, threshold: arguments.threshold, limit: arguments.limit,
            searchMetadata: arguments.searchMetadata, scope: arguments.scope))
        // An unknown session has no candidates: only then is it worth a read to tell it apart
        // from a session with nothing visible to the caller.
        if result.candidates == 0 { _ = try await call.session(sessionID) }
        // The hits that fit in the result budget (each carries its content and a preview).
        var budget = call.env.resultBudget
        let hits = result.hits.prefix { hit in
            budget -= hit.message.estimatedJSONBytes + 1_024
            return budget >= 0
        }
        let truncated = result.truncated || hits.count < result.hits.count
        let results: [JSONValue] = hits.map { hit in
            let message = hit.message
            let score = rounded(hit.score)
            return [
                "message": [
                    "id": .int(message.id), "sender": .string(message.sender), "content": .string(message.content),
                    "timestamp": .double(message.timestamp), "visibility": .string(message.visibility.rawValue),
                    "metadata": .object(message.metadata ?? [:]),
                ],
                "score": .double(score), "match_preview": .string(preview(message.content)),
                "relevance": .string(score >= 80 ? "high" : score >= 60 ? "medium" : "low"),
            ]
        }
        let elapsed = rounded(Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        call.auditLater("context_searched", agentID: identity.agentID, sessionID: sessionID, [
            "query": .string(String(arguments.query.prefix(500))), "results_count": .int(Int64(results.count)),
            "threshold": .double(arguments.threshold), "search_scope": .string(arguments.scope.rawValue), "search_time_ms": .double(elapsed),
        ])
        return ToolJSON.ok(ToolJSON.marked([
            "results": .array(results), "query": .string(arguments.query), "threshold": .double(arguments.threshold),
            "search_scope": .string(arguments.scope.rawValue), "message_count": .int(Int64(results.count)), "search_time_ms": .double(elapsed),
            "performance_note": "RapidFuzz-compatible partial_ratio over a per-session in-memory index",
            "cache_hit": false,
        ], truncated: truncated))
    }
}
