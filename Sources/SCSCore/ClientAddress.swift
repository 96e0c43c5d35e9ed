#if canImport(Glibc)
    import Glibc
#endif

/// Who a request comes from, as the throttles and per-client limits key it (docs/DASHBOARD.md,
/// "Sign-in"): the peer's address, or behind a trusted proxy the right-most `X-Forwarded-For` hop
/// that is not itself a trusted proxy. IPv6 addresses are keyed by their /64 (one host usually
/// holds a whole /64), IPv4-mapped IPv6 as IPv4.
public enum ClientAddress {
    /// The key for a peer address (nil: a Unix socket, "local").
    public static func key(peer: String?, forwardedFor: String? = nil, trusted: TrustedProxies = .none) -> String {
        guard let peer, let address = IPAddress(peer) else { return peer == nil ? "local" : "unknown" }
        var client = address
        if let forwardedFor, trusted.contains(address) {
            let hops = forwardedFor.split(separator: ",").suffix(32).map { TextSanitizer.trimmed(String($0)) }
            for hop in hops.reversed() {
                guard let hopAddress = IPAddress(hop) else { break }  // a hop we cannot read: stop at the last good one
                client = hopAddress
                if !trusted.contains(hopAddress) { break }
            }
        }
        return client.key
    }
}

/// An IPv4 or IPv6 address as 4 or 16 bytes.
public struct IPAddress: Sendable, Equatable {
    public let bytes: [UInt8]

    public init?(_ text: some StringProtocol) {
        var value = String(text)
        if value.hasPrefix("["), value.hasSuffix("]") { value = String(value.dropFirst().dropLast()) }
        if let percent = value.firstIndex(of: "%") { value = String(value[..<percent]) }  // zone id
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, value, &v4) == 1 {
            bytes = withUnsafeBytes(of: v4) { Array($0) }
        } else if inet_pton(AF_INET6, value, &v6) == 1 {
            let all = withUnsafeBytes(of: v6) { Array($0) }
            let mapped = all[0..<10].allSatisfy { $0 == 0 } && all[10] == 0xFF && all[11] == 0xFF
            bytes = mapped ? Array(all[12...]) : all
        } else {
            return nil
        }
    }

    /// This machine: 127/8 or `::1` (IPv4-mapped addresses are IPv4 here).
    public var isLoopback: Bool {
        bytes.count == 4 ? bytes[0] == 127 : bytes.dropLast().allSatisfy { $0 == 0 } && bytes[15] == 1
    }

    /// `0.0.0.0` or `::`.
    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    /// IPv4 as written; IPv6 as its /64.
    public var key: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}

/// `TRUSTED_PROXIES`: networks (CIDRs, or single addresses) whose `X-Forwarded-For` is believed.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int
    }

    let networks: [Network]

    public static let none = TrustedProxies(networks: [])

    init(networks: [Network]) { self.networks = networks }

    /// Parses `10.0.0.0/8, 192.168.1.7, fd00::/8`; throws naming the first entry it cannot read.
    public init(list: String) throws(ConfigurationError) {
        var networks: [Network] = []
        for item in list.split(separator: ",").map({ TextSanitizer.trimmed(String($0)) }) where !item.isEmpty {
            let parts = item.split(separator: "/", maxSplits: 1)
            guard let address = IPAddress(parts[0]) else {
                throw ConfigurationError("TRUSTED_PROXIES: \"\(item.prefix(64))\" is not an IP address or CIDR")
            }
            let maximum = address.bytes.count * 8
            let prefix = parts.count == 2 ? Int(parts[1]) : maximum
            guard let prefix, (0...maximum).contains(prefix) else {
                throw ConfigurationError("TRUSTED_PROXIES: \"\(item.prefix(64))\" has a prefix length outside 0…\(maximum)")
            }
            networks.append(Network(bytes: address.bytes, prefix: prefix))
        }
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func contains(_ address: IPAddress) -> Bool {
        networks.contains { network in
            guard network.bytes.count == address.bytes.count else { return false }
            var bits = network.prefix
            for index in 0..<address.bytes.count where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if network.bytes[index] & mask != address.bytes[index] & mask { return false }
                bits -= 8
            }
            return true
        }
    }
}
