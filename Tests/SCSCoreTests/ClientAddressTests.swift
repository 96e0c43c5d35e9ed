import Testing

@testable import SCSCore

@Suite("Client keys: trusted proxies, IPv6 by /64; the concurrency gate")
struct ClientAddressTests {
    @Test("IPv4 as is, IPv6 by its /64, IPv4-mapped as IPv4, a Unix socket as local")
    func keys() {
        #expect(ClientAddress.key(peer: "192.0.2.7") == "192.0.2.7")
        #expect(ClientAddress.key(peer: "2001:db8:1:2:aaaa::1") == ClientAddress.key(peer: "2001:db8:1:2:ffff:1:2:3"))
        #expect(ClientAddress.key(peer: "2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(ClientAddress.key(peer: "2001:db8:1:3::1") != ClientAddress.key(peer: "2001:db8:1:2::1"))
        #expect(ClientAddress.key(peer: "::ffff:198.51.100.4") == "198.51.100.4")
        #expect(ClientAddress.key(peer: nil) == "local")
    }

    @Test("X-Forwarded-For is believed only from a trusted peer, and only up to the right-most untrusted hop")
    func forwarded() throws {
        let trusted = try TrustedProxies(list: "10.0.0.0/8, 192.168.1.7, fd00::/8")
        // From an untrusted peer the header is ignored.
        #expect(ClientAddress.key(peer: "203.0.113.9", forwardedFor: "1.2.3.4", trusted: trusted) == "203.0.113.9")
        // Through our proxy: the right-most hop that is not one of ours (a client's own fake hops to the left are ignored).
        #expect(ClientAddress.key(peer: "10.1.2.3", forwardedFor: "6.6.6.6, 198.51.100.1, 10.9.9.9", trusted: trusted) == "198.51.100.1")
        #expect(ClientAddress.key(peer: "192.168.1.7", forwardedFor: "2001:db8::5", trusted: trusted) == "2001:db8:0:0::/64")
        #expect(ClientAddress.key(peer: "192.168.1.8", forwardedFor: "1.2.3.4", trusted: trusted) == "192.168.1.8")
        // An unreadable hop ends the walk at the last good one.
        #expect(ClientAddress.key(peer: "10.0.0.1", forwardedFor: "1.1.1.1, garbage", trusted: trusted) == "10.0.0.1")
        #expect(throws: ConfigurationError.self) { try TrustedProxies(list: "10.0.0.0/33") }
        #expect(throws: ConfigurationError.self) { try TrustedProxies(list: "proxy.example") }
    }

    @Test("the gate runs at most `limit` bodies, queues up to `maximumWaiting`, and refuses the rest at once")
    func gate() async throws {
        let gate = ConcurrencyGate(limit: 2, maximumWaiting: 3)
        let release = WaitableState(false)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        try await gate.run { _ = await release.wait(timeout: 30) { $0 } }
                        return true
                    } catch { return false }
                }
            }
            // Wait until every body is either running, waiting or refused.
            var refused = 0
            var finished: [Bool] = []
            while refused < 5, let result = await group.next() {
                finished.append(result)
                if !result { refused += 1 }
            }
            #expect(gate.counts.running == 2 && gate.counts.waiting == 3)
            release.set(true)
            for await result in group { finished.append(result) }
            return finished
        }
        #expect(results.filter { $0 }.count == 5 && results.filter { !$0 }.count == 5)
        #expect(gate.counts.running == 0 && gate.counts.waiting == 0)
    }
}

@Suite("Bearer credentials")
struct BearerCredentialTests {
    @Test("the scheme is case-insensitive, spaces and tabs around the token do not count, anything else is no bearer token")
    func parsing() {
        for header in ["Bearer sct_x", "bearer sct_x", "BEARER sct_x", "  Bearer   sct_x  ", "Bearer\tsct_x\t"] {
            #expect(BearerCredential.token(fromAuthorization: header) == "sct_x", "\(header)")
        }
        for header in [nil, "", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "Bearersct_x", "Token sct_x"] as [String?] {
            #expect(BearerCredential.token(fromAuthorization: header) == nil, "\(header ?? "nil")")
        }
    }
}
