import Foundation
import Logging
import SCSApplication
import SCSAuth
import SCSCore
import SCSLive
import SCSStorage
import SCSStoragePostgres
import SCSTesting
import SCSTools
import Synchronization
import OrderedCollections
import Testing

/// Two relays on one real PostgreSQL database, as two nodes would run them: what one node
/// publishes reaches the other through LISTEN/NOTIFY, read back from the database; nothing
/// echoes; a revocation empties the other node's token cache; a killed listener reconnects.
@Suite("Live events across nodes (PostgreSQL LISTEN/NOTIFY)")
struct PeerEventRelayTests {
    /// One node: its events, token service (a 60 s cache, so only the relay can empty it) and relay.
    final class Node: Sendable {
        let events = SessionEvents()
        let heard = WaitableState<[LiveEvent]>([])
        let tokens: TokenService
        let relay: PeerEventRelay

        init(_ name: String, storage: PostgresStorage) {
            let secrets = SecretsConfiguration(
                apiKey: String(repeating: "a", count: 40), jwtSecretKey: String(repeating: "b", count: 40),
                jwtEncryptionKey: String(repeating: "c", count: 40))
            tokens = TokenService(store: storage, secrets: secrets, configuration: AuthConfiguration(), cacheLifetime: 60)
            let logger = Logger(label: "test.\(name)")
            relay = PeerEventRelay(
                channel: PostgresPeerChannel(storage: storage, logger: logger), events: events, storage: storage, tokens: tokens,
                nodeID: name, signer: PeerAnnouncementSigner(jwtSecretKey: secrets.jwtSecretKey), clock: SystemClock(), logger: logger)
            events.attach(relay)
            events.listen { [weak self] event in self?.heard.update { $0.append(event) } }
        }

        var count: Int { heard.value.count }
        func status(_ key: String) -> Int64 { JSONValue.object(relay.status())[key]?.intValue ?? -1 }

        /// Waits until this node has heard `count` events in all.
        func hears(_ count: Int, _ what: String) async throws {
            guard await heard.wait(timeout: 30, until: { $0.count >= count }) else { throw TestFailure("timed out waiting until \(what)") }
        }

        /// Waits until the relay's counters pass `test`.
        func counts(_ what: String, _ test: @escaping @Sendable (JSONObject) -> Bool) async throws {
            guard await relay.waitForStatus(timeout: 30, until: test) else { throw TestFailure("timed out waiting until \(what)") }
        }
    }

    /// Two nodes relaying on a fresh database until `body` returns.
    func withTwoNodes(_ body: (PostgresStorage, Node, Node) async throws -> Void) async throws {
        try await TestStorage.withPostgresDatabase { url in
            let storage = try await PostgresStorage.open(url: url, poolSize: 4)
            let (a, b) = (Node("node-a", storage: storage), Node("node-b", storage: storage))
            let running = [Task { await a.relay.relay() }, Task { await b.relay.relay() }]
            do {
                for node in [a, b] { try await node.counts("both nodes listen") { $0["connections"] == 1 } }
                try await body(storage, a, b)
            } catch {
                running.forEach { $0.cancel() }
                for task in running { await task.value }
                try? await storage.close()
                throw error
            }
            running.forEach { $0.cancel() }
            for task in running { await task.value }
            try await storage.close()
        }
    }

    /// For what has no event to wait on (a long-poll parking).
    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("a message and its visibility change reach the other node, read back from the database, and nothing echoes")
    func messagesCrossNodes() async throws {
        try await withTwoNodes { storage, a, b in
            let session = try await storage.makeSession()
            let message = try await storage.post("the rollback plan", in: session.id, by: TestIdentities.alice)
            a.events.publish(.messageAdded(message))
            try await b.hears(1, "B hears of the message")
            guard case .messageAdded(let heard) = b.heard.value[0] else { throw TestFailure("not a new message") }
            #expect(heard.id == message.id && heard.content == "the rollback plan" && heard.sessionID == session.id)

            #expect(try await storage.setVisibility(messageID: message.id, to: .adminOnly, at: 3) == .public)
            var hidden = message
            hidden.visibility = .adminOnly
            a.events.publish(.visibilityChanged(hidden, previous: .public))
            try await b.hears(2, "B hears of the visibility change")
            guard case .visibilityChanged(let changed, let previous) = b.heard.value[1] else { throw TestFailure("not a change") }
            #expect(changed.visibility == .adminOnly && previous == .public)

            // B's own event goes to A; neither hears its own back, nor re-announces what it heard.
            _ = try await storage.closeSession(id: session.id, at: 5)
            b.events.publish(.sessionClosed(sessionID: session.id, at: 5))
            try await a.hears(3, "A hears of the closed session")
            // A fence each way: an echo would have been announced before it, so it would arrive first.
            let fences = try await storage.makeSession()
            a.events.publish(.messageAdded(try await storage.post("fence a", in: fences.id, by: TestIdentities.alice)))
            try await b.hears(4, "B hears A's fence")
            b.events.publish(.messageAdded(try await storage.post("fence b", in: fences.id, by: TestIdentities.bob)))
            try await a.hears(5, "A hears B's fence")
            #expect(a.count == 5 && b.count == 5)
            #expect(b.heard.value[3].sessionID == fences.id && a.heard.value[4].sessionID == fences.id)
            #expect(a.status("events_sent") == 3 && b.status("events_sent") == 2)
            #expect(a.status("events_received") == 2 && b.status("events_received") == 3)
        }
    }

    @Test("a NOTIFY that is unsigned, signed with another key, stale or replayed is ignored; a claim the database denies too")
    func forgedAnnouncementsAreIgnored() async throws {
        try await withTwoNodes { storage, a, b in
            let session = try await storage.makeSession()
            let forger = PostgresPeerChannel(storage: storage, logger: Logger(label: "test.forger"))
            let body = "{\"node\":\"evil\",\"events\":[{\"kind\":\"closed\",\"session\":\"\(session.id)\",\"at\":1}]}"
            let genuine = PeerAnnouncementSigner(jwtSecretKey: String(repeating: "b", count: 40))
            let other = PeerAnnouncementSigner(jwtSecretKey: String(repeating: "z", count: 40))
            let now = Date().timeIntervalSince1970
            try await forger.send(body)  // unsigned
            try await forger.send(other.sign(body, now: now))  // another deployment's key
            try await forger.send(genuine.sign(body, now: now - 3_600))  // stale
            // Signed and fresh, but the session is not closed in the database: read back, nothing to publish.
            let signed = genuine.sign(body, now: now)
            try await forger.send(signed)
            for node in [a, b] {
                try await node.counts("both nodes saw all four") { ($0["rejected"]?.intValue ?? 0) >= 3 && ($0["events_received"]?.intValue ?? 0) >= 1 }
            }
            #expect(a.count == 0 && b.count == 0)
            // The same announcement again is a replay.
            _ = try await storage.closeSession(id: session.id, at: 7)
            try await forger.send(signed)
            for node in [a, b] { try await node.counts("the replay is refused") { ($0["rejected"]?.intValue ?? 0) >= 4 } }
            #expect(a.count == 0 && b.count == 0)
            // Signed, fresh and true: published.
            try await forger.send(genuine.sign(body, now: Date().timeIntervalSince1970))
            try await a.hears(1, "A hears of the closed session")
            try await b.hears(1, "B hears of the closed session")
            guard case .sessionClosed(_, let at) = b.heard.value[0] else { throw TestFailure("not a closed session") }
            #expect(at == 7)  // the time comes from the database, not the announcement
        }
    }

    @Test("a token revoked on one node is refused at once on the other, which had it cached")
    func revocationCrossesNodes() async throws {
        try await withTwoNodes { _, a, b in
            let issued = try await a.tokens.issue(agentID: "alice", agentType: "claude", requested: ["read"])
            #expect(try await b.tokens.resolve(issued.token).agentID == "alice")
            try await a.tokens.revoke(.presented(issued.token), by: issued.identity)
            // Without the announcement B keeps answering from its cache for a minute.
            #expect(try await b.tokens.resolve(issued.token).agentID == "alice")
            a.events.publish(.tokenRevoked(digest: TokenDigest.of(issued.token)))
            await a.events.flush()
            try await b.hears(1, "B hears of the revocation")
            await #expect(throws: SCSError.self) { try await b.tokens.resolve(issued.token) }
        }
    }

    @Test("a burst is batched into announcements under PostgreSQL's 8,000-byte bound, none lost")
    func burstsAreBatched() async throws {
        try await withTwoNodes { storage, a, b in
            let session = try await storage.makeSession()
            let message = try await storage.post("x", in: session.id, by: TestIdentities.alice)
            for _ in 0..<2_000 { a.events.publish(.messageAdded(message)) }
            for key in 0..<500 {
                a.events.publish(.memoryChanged(MemoryChange(
                    kind: .deleted, agentID: String(repeating: "a", count: 100), key: String(repeating: "k", count: 250) + "\(key)",
                    scope: .init(sessionID: session.id), at: 1)))
            }
            try await b.hears(2_500, "B hears all 2,500")
            #expect(b.count == 2_500)
            #expect(a.status("send_failures") == 0 && a.status("queued") == 0)
        }
    }

    @Test("a listener whose connection is killed reconnects by itself, and long-polls parked meanwhile re-read")
    func listenerReconnects() async throws {
        try await withTwoNodes { storage, a, b in
            let session = try await storage.makeSession()
            let seen = b.events.version(session.id)
            let parked = Task { await b.events.wait(session.id, seen: seen, timeout: 60) }
            try await eventually("a long-poll parks on B") { b.events.waiterCount == 1 }
            try await TestStorage.execute(
                on: storage.url,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")
            for node in [a, b] { try await node.counts("both nodes listen again") { $0["connections"] == 2 } }
            await parked.value
            // Woken by the reconnect (a version bump), not by its 60 s bound.
            #expect(b.events.version(session.id) != seen)
            let message = try await storage.post("after the reconnect", in: session.id, by: TestIdentities.alice)
            a.events.publish(.messageAdded(message))
            try await b.hears(1, "B hears of the message")
        }
    }
}
