import SCSCore

/// `--args` compiled once: literal JSON text split around the "{agent}", "{n}", "{token}" and
/// "{query}" placeholders, so a call's arguments are rendered by concatenation (no Foundation
/// string search, no JSON parse per call; the template is checked once with sample values).
struct ArgumentTemplate {
    enum Part {
        case text([UInt8])
        case agent, n, token, query
    }

    let parts: [Part]

    init(_ template: String) throws {
        var parts: [Part] = []
        var literal: [UInt8] = []
        let bytes = Array(template.utf8)
        let names: [(String, Part)] = [("{agent}", .agent), ("{n}", .n), ("{token}", .token), ("{query}", .query)]
        var index = 0
        outer: while index < bytes.count {
            for (name, part) in names where bytes[index...].starts(with: name.utf8) {
                if !literal.isEmpty { parts.append(.text(literal)) }
                literal = []
                parts.append(part)
                index += name.utf8.count
                continue outer
            }
            literal.append(bytes[index])
            index += 1
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        self.parts = parts
        let sample = render(agent: 0, n: 0, token: "sct_sample", query: "a \"quoted\" query")
        guard case .object = try JSONValue.parse(sample) else {
            throw MCPAgent.CallFailure(description: "--args must be a JSON object")
        }
    }

    /// The arguments object as JSON text; the query is inserted JSON-escaped.
    func render(agent: Int, n: Int, token: String, query: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        for part in parts {
            switch part {
            case .text(let bytes): out.append(contentsOf: bytes)
            case .agent: out.append(contentsOf: String(agent).utf8)
            case .n: out.append(contentsOf: String(n).utf8)
            case .token: out.append(contentsOf: token.utf8)
            case .query:
                var quoted: [UInt8] = []
                JSONValue.string(query).write(to: &quoted)
                out.append(contentsOf: quoted.dropFirst().dropLast())
            }
        }
        return out
    }
}
