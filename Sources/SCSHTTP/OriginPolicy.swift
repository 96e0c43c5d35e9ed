/// DNS-rebinding defence (docs/CONTRACT.md §3): an `Origin` header, when present, must be
/// `http(s)://localhost`, `127.0.0.1` or `[::1]` on any port, or one of `CORS_ORIGINS`.
public struct OriginPolicy: Sendable {
    let extra: Set<String>

    public init(extraOrigins: [String]) {
        extra = Set(extraOrigins.map { Self.normalise($0) })
    }

    static func normalise(_ origin: String) -> String {
        var text = origin.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    public func allows(_ origin: String?) -> Bool {
        guard let origin else { return true }
        let normalised = Self.normalise(origin)
        if extra.contains(normalised) { return true }
        let rest: Substring
        if normalised.hasPrefix("http://") {
            rest = normalised.dropFirst(7)
        } else if normalised.hasPrefix("https://") {
            rest = normalised.dropFirst(8)
        } else {
            return false
        }
        let host: Substring
        let tail: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return false }
            host = rest[...close]
            tail = rest[rest.index(after: close)...]
        } else {
            let end = rest.firstIndex(of: ":") ?? rest.endIndex
            host = rest[..<end]
            tail = rest[end...]
        }
        guard ["localhost", "127.0.0.1", "[::1]"].contains(String(host)) else { return false }
        if tail.isEmpty { return true }
        guard tail.hasPrefix(":") else { return false }
        let port = tail.dropFirst()
        return !port.isEmpty && port.count <= 5 && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber)
    }
}
