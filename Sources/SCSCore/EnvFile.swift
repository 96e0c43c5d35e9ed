import Foundation

/// A dotenv-style file: `KEY=value` lines, `#` comments, optional `export ` and quotes.
public struct EnvFile: Sendable, Equatable {
    public enum Line: Sendable, Equatable {
        case entry(key: String, value: String)
        case other(String)
    }

    public var lines: [Line]

    public init(lines: [Line] = []) { self.lines = lines }

    /// Parses dotenv text. Lines that are not assignments are kept verbatim so rewriting loses nothing.
    public init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw in
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { return .other(String(raw)) }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { return .other(String(raw)) }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return .other(String(raw)) }
            return .entry(key: key, value: value)
        }
        if lines.last == .other("") { lines.removeLast() }
    }

    /// Reads a file; a missing file is an empty env file.
    public static func load(path: String) throws -> EnvFile {
        guard FileManager.default.fileExists(atPath: path) else { return EnvFile() }
        return EnvFile(text: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The last value of each key.
    public var values: [String: String] {
        var result: [String: String] = [:]
        for case .entry(let key, let value) in lines { result[key] = value }
        return result
    }

    public subscript(key: String) -> String? { values[key] }

    /// Sets `key`, replacing its existing line or appending a new one.
    public mutating func set(_ key: String, _ value: String) {
        if let index = lines.lastIndex(where: { if case .entry(key, _) = $0 { return true } else { return false } }) {
            lines[index] = .entry(key: key, value: value)
        } else {
            lines.append(.entry(key: key, value: value))
        }
    }

    public var text: String {
        lines.map { line in
            switch line {
            case .entry(let key, let value): return "\(key)=\(value)"
            case .other(let raw): return raw
            }
        }.joined(separator: "\n") + "\n"
    }
}
