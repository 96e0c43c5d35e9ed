/// A resource URI of the five templates (docs/CONTRACT.md §7), parsed once for reading a
/// resource and for deciding which subscribers hear of a change.
public enum ResourceURI: Sendable, Equatable {
    case session(String), messages(String, Int), memory(String), info, docs

    /// Nil for a URI that names no resource of ours. `session://<id>/messages/<limit>` clamps the
    /// limit to 1…500 (50 when it is not a number).
    public init?(_ uri: String) {
        if uri.hasPrefix("session://") {
            let parts = uri.dropFirst("session://".count).split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 1, !parts[0].isEmpty {
                self = .session(String(parts[0]))
                return
            }
            if parts.count == 3, parts[1] == "messages" {
                self = .messages(String(parts[0]), Int(parts[2]).map { $0 < 1 ? 50 : min($0, 500) } ?? 50)
                return
            }
            return nil
        }
        if uri.hasPrefix("agent://"), uri.hasSuffix("/memory") {
            let agent = uri.dropFirst("agent://".count).dropLast("/memory".count)
            guard !agent.isEmpty, !agent.contains("/") else { return nil }
            self = .memory(String(agent))
            return
        }
        if uri.hasPrefix("server://info/") {
            self = .info
            return
        }
        if uri.hasPrefix("docs://tools/") {
            self = .docs
            return
        }
        return nil
    }

    /// The session whose messages the resource shows.
    public var sessionID: String? {
        switch self {
        case .session(let id), .messages(let id, _): id
        default: nil
        }
    }
}
