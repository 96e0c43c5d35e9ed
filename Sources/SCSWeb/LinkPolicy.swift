import SCSCore

/// Which link targets in messages stay links. Links to this machine (loopback names and
/// addresses, in any spelling a browser accepts) and to the dashboard's own host on any port
/// render as inert text: the login cookie goes to every port of a host, so a link to a server an
/// agent runs beside this one would hand it the operator's login (docs/DASHBOARD.md, "Links").
public struct LinkPolicy: Sendable {
    /// Host names (lowercase, without port or brackets) that are this dashboard's own.
    public let ownHosts: Set<String>

    /// Loopback targets are inert; every other host is a link.
    public static let loopbackOnly = LinkPolicy(ownHosts: [])

    public init(ownHosts: some Sequence<String>) {
        self.ownHosts = Set(ownHosts.map { Self.hostName(authority: $0) }.filter { !$0.isEmpty })
    }

    /// Whether a link to `url` (already known to be http, https or mailto) may be followed.
    public func allows(_ url: String) -> Bool {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else {
            return true  // mailto:
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "\\" }
        let host = Self.hostName(authority: String(authority))
        return !host.isEmpty && !ownHosts.contains(host) && !Self.isLoopback(host)
    }

    /// The host of `user@host:port` (lowercase; IPv6 without brackets; no trailing dot).
    static func hostName(authority: String) -> String {
        var text = Substring(authority.lowercased())
        if let at = text.lastIndex(of: "@") { text = text[text.index(after: at)...] }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return "" }
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        while text.hasSuffix(".") { text = text.dropLast() }
        return String(text)
    }

    /// Loopback or unspecified: `localhost` and its subdomains, 127/8 and 0.0.0.0 in every form the
    /// URL standard's IPv4 parser takes (decimal, octal, hex, fewer than four parts), `::1`, `::`
    /// and IPv4-mapped loopback.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if host.contains(":") {
            guard let address = IPAddress(host) else { return true }  // unparsable: not followed
            return address.isLoopback || address.isUnspecified
        }
        guard let value = ipv4(host) else { return false }
        return value >> 24 == 127 || value == 0
    }

    /// The URL standard's IPv4 number: up to four parts, each decimal, `0x` hex or `0` octal; the
    /// last part fills the remaining bytes. Nil when the host is a name.
    static func ipv4(_ host: String) -> UInt32? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 34 else { return nil }
            let value: UInt64?
            if part.hasPrefix("0x") {
                value = part.count == 2 ? 0 : UInt64(part.dropFirst(2), radix: 16)
            } else if part.count > 1, part.hasPrefix("0") {
                value = UInt64(part.dropFirst(), radix: 8)
            } else {
                value = UInt64(part, radix: 10)
            }
            guard let value else { return nil }
            numbers.append(value)
        }
        let last = numbers.removeLast()
        guard numbers.allSatisfy({ $0 <= 255 }), last < (UInt64(1) << (8 * (4 - numbers.count))) else { return nil }
        var result = last
        for (index, number) in numbers.enumerated() { result |= number << (8 * (3 - index)) }
        return UInt32(result)
    }
}
