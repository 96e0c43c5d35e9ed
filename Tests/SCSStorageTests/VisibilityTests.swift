import SCSCore
import SCSStorage
import SCSTesting
import Testing
import OrderedCollections

@Suite("Visibility rules applied in SQL")
struct VisibilityTests {
    /// Who may read a message of each visibility sent by alice (claude).
    static let expected: [(reader: AgentIdentity, visible: Set<Visibility>)] = [
        (TestIdentities.alice, [.public, .private, .agentOnly]),
        (TestIdentities.bob, [.public]),
        (TestIdentities.carol, [.public, .agentOnly]),
        (TestIdentities.admin, [.public, .private, .agentOnly, .adminOnly]),
        (TestIdentities.anonymous, [.public]),
    ]

    @Test("every visibility for sender, other agent, same-type agent, admin and anonymous", arguments: StorageDriver.allCases)
    func matrix(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            var ids: [Visibility: Int64] = [:]
            for visibility in Visibility.allCases {
                ids[visibility] = try await storage.post("a \(visibility.rawValue) note", in: session.id, by: TestIdentities.alice, visibility).id
            }
            // Noise in another session must never appear.
            let other = try await storage.makeSession()
            try await storage.post("elsewhere", in: other.id, by: TestIdentities.alice, .public)

            for (reader, visible) in Self.expected {
                let page = try await storage.messages(MessageQuery(sessionID: session.id, countTotal: true), reader: reader)
                let seen = Set(page.messages.map(\.visibility))
                #expect(seen == visible, "reader \(reader.agentID)")
                #expect(page.totalCount == visible.count)
                #expect(page.messages.map(\.id) == page.messages.map(\.id).sorted())
                // The in-memory rule agrees with the SQL rule.
                for visibility in Visibility.allCases {
                    let message = try #require(try await storage.message(id: ids[visibility]!))
                    #expect(message.isVisible(to: reader) == visible.contains(visibility), "\(reader.agentID) \(visibility)")
                }
            }
        }
    }

    @Test("total counts agree with the visible rows under every filter, however the page is cut", arguments: StorageDriver.allCases)
    func totalsMatchRows(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            for round in 0..<3 {
                for visibility in Visibility.allCases {
                    try await storage.post("alice \(round)", in: session.id, by: TestIdentities.alice, visibility, at: 2_000 + Double(round))
                    try await storage.post("bob \(round)", in: session.id, by: TestIdentities.bob, visibility, at: 2_000 + Double(round))
                    // carol's type is "Claude": alice sees her agent_only messages only through lower().
                    try await storage.post("carol \(round)", in: session.id, by: TestIdentities.carol, visibility, at: 2_000 + Double(round))
                }
            }
            let other = try await storage.makeSession()
            try await storage.post("elsewhere", in: other.id, by: TestIdentities.alice, .public)
            for (reader, _) in Self.expected {
                for filter in [nil] + Visibility.allCases.map(Optional.some) {
                    for sender in [nil, "alice", "bob", "carol"] {
                        for since in [nil, 2_001.0] {
                            let query = { (limit: Int, offset: Int) in
                                MessageQuery(sessionID: session.id, visibility: filter, sender: sender, since: since,
                                             limit: limit, offset: offset, countTotal: true)
                            }
                            let rows = try await storage.messages(query(1_000, 0), reader: reader).messages
                            #expect(rows.allSatisfy { $0.isVisible(to: reader) })
                            // Pages that do not hold every row must count them in SQL.
                            for (limit, offset) in [(1, 0), (2, 1), (50, 0), (50, 3)] {
                                let page = try await storage.messages(query(limit, offset), reader: reader)
                                #expect(page.totalCount == rows.count, "\(reader.agentID) \(String(describing: filter)) \(sender ?? "-") \(limit)/\(offset)")
                                #expect(page.messages.map(\.id) == Array(rows.dropFirst(offset).prefix(limit)).map(\.id))
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("a visibility filter only narrows what the reader may see", arguments: StorageDriver.allCases)
    func filterNarrows(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            for visibility in Visibility.allCases {
                try await storage.post("alice \(visibility.rawValue)", in: session.id, by: TestIdentities.alice, visibility)
                try await storage.post("bob \(visibility.rawValue)", in: session.id, by: TestIdentities.bob, visibility)
            }
            for (reader, _) in Self.expected {
                let all = try await storage.messages(MessageQuery(sessionID: session.id), reader: reader).messages
                for filter in Visibility.allCases {
                    let filtered = try await storage.messages(
                        MessageQuery(sessionID: session.id, visibility: filter), reader: reader
                    ).messages
                    #expect(filtered.map(\.id) == all.filter { $0.visibility == filter }.map(\.id), "\(reader.agentID) \(filter)")
                }
            }
            // bob (non-admin) asking for admin_only gets nothing, not everything.
            let leak = try await storage.messages(MessageQuery(sessionID: session.id, visibility: .adminOnly), reader: TestIdentities.bob)
            #expect(leak.messages.isEmpty)
        }
    }

    @Test("sender, time range and after-id reads keep the rules", arguments: StorageDriver.allCases)
    func otherReadPaths(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            for (offset, visibility) in Visibility.allCases.enumerated() {
                try await storage.post("m\(offset)", in: session.id, by: TestIdentities.alice, visibility, at: 2_000 + Double(offset))
            }
            let bySender = try await storage.messages(
                MessageQuery(sessionID: session.id, sender: "alice", order: .descending), reader: TestIdentities.bob
            )
            #expect(bySender.messages.map(\.visibility) == [.public])
            let ranged = try await storage.messages(
                MessageQuery(sessionID: session.id, since: 2_000, until: 2_002), reader: TestIdentities.carol
            )
            #expect(ranged.messages.map(\.visibility) == [.public, .agentOnly])
            let first = try #require(bySender.messages.first)
            let after = try await storage.messages(MessageQuery(sessionID: session.id, afterID: first.id), reader: TestIdentities.admin)
            #expect(after.messages.map(\.visibility) == [.private, .agentOnly, .adminOnly])
            let byAdminSender = try await storage.messages(MessageQuery(sessionID: session.id, sender: "alice"), reader: TestIdentities.admin)
            #expect(byAdminSender.messages.count == 4)
        }
    }

    @Test("list_sessions counts only visible messages; last activity from them", arguments: StorageDriver.allCases)
    func sessionListCounts(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession(at: 1_000)
            try await storage.post("public", in: session.id, by: TestIdentities.alice, .public, at: 2_000)
            try await storage.post("secret", in: session.id, by: TestIdentities.alice, .private, at: 3_000)
            let empty = try await storage.makeSession(at: 1_500)
            let asBob = try await storage.listSessions(SessionListQuery(), reader: TestIdentities.bob)
            #expect(asBob.sessions.map(\.session.id) == [empty.id, session.id])
            #expect(asBob.sessions[1].messageCount == 1)
            #expect(asBob.sessions[1].lastActivity == 2_000)
            #expect(asBob.sessions[0].lastActivity == 1_500)
            let asAlice = try await storage.listSessions(SessionListQuery(), reader: TestIdentities.alice)
            #expect(asAlice.sessions[1].messageCount == 2)
            #expect(asAlice.sessions[1].lastActivity == 3_000)
            #expect(asAlice.totalCount == 2)
        }
    }
}
