import GRDB
import SCSCore
import SCSStorage
import SCSStorageSQLite
import Testing

@Suite("Visibility rules applied in SQL")
struct VisibilityTests {
    /// Who may read a message of each visibility sent by alice (claude).
    static let expected: [(reader: AgentIdentity, visible: Set<Visibility>)] = [
        (Agents.alice, [.public, .private, .agentOnly]),
        (Agents.bob, [.public]),
        (Agents.carol, [.public, .agentOnly]),
        (Agents.admin, [.public, .private, .agentOnly, .adminOnly]),
        (Agents.anonymous, [.public]),
    ]

    @Test("every visibility for sender, other agent, same-type agent, admin and anonymous")
    func matrix() async throws {
        try await TestDatabase.with { storage in
            let session = try await storage.makeSession()
            var ids: [Visibility: Int64] = [:]
            for visibility in Visibility.allCases {
                ids[visibility] = try await storage.post("a \(visibility.rawValue) note", in: session.id, by: Agents.alice, visibility).id
            }
            // Noise in another session must never appear.
            let other = try await storage.makeSession()
            try await storage.post("elsewhere", in: other.id, by: Agents.alice, .public)

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

    @Test("totals stay right through visibility changes and rows another program writes into the file")
    func totalsFollowEveryWriter() async throws {
        let database = try TestDatabase()
        defer { Task { await database.remove() } }
        let storage = database.storage
        let session = try await storage.makeSession()
        var ids: [Int64] = []
        for n in 0..<6 { ids.append(try await storage.post("note \(n)", in: session.id, by: Agents.alice, .public).id) }
        _ = try await storage.setVisibility(messageID: ids[0], to: .private, at: 3_000)
        _ = try await storage.setVisibility(messageID: ids[1], to: .adminOnly, at: 3_000)
        // Another writer (the Python server, a script) knows nothing of the counts table.
        let other = try DatabaseQueue(path: database.path)
        let deleted = ids[2]
        try await other.write { db in
            for n in 0..<3 {
                try db.execute(
                    sql: "INSERT INTO messages (session_id, sender, sender_type, content, visibility, timestamp) VALUES (?, 'dave', 'gemini', ?, 'public', 3001)",
                    arguments: [session.id, "outside \(n)"])
            }
            try db.execute(sql: "DELETE FROM messages WHERE id = ?", arguments: [deleted])
        }
        try other.close()
        let total = { (reader: AgentIdentity) in
            try await storage.messages(MessageQuery(sessionID: session.id, limit: 1, countTotal: true), reader: reader).totalCount
        }
        #expect(try await total(Agents.bob) == 3 + 3)  // 6 public - 2 changed - 1 deleted, + 3 outside
        #expect(try await total(Agents.alice) == 3 + 3 + 1)  // and her private one
        #expect(try await total(Agents.admin) == 8)
    }

    @Test("total counts agree with the visible rows under every filter, however the page is cut")
    func totalsMatchRows() async throws {
        try await TestDatabase.with { storage in
            let session = try await storage.makeSession()
            for round in 0..<3 {
                for visibility in Visibility.allCases {
                    try await storage.post("alice \(round)", in: session.id, by: Agents.alice, visibility, at: 2_000 + Double(round))
                    try await storage.post("bob \(round)", in: session.id, by: Agents.bob, visibility, at: 2_000 + Double(round))
                    // carol's type is "Claude": alice sees her agent_only messages only through lower().
                    try await storage.post("carol \(round)", in: session.id, by: Agents.carol, visibility, at: 2_000 + Double(round))
                }
            }
            let other = try await storage.makeSession()
            try await storage.post("elsewhere", in: other.id, by: Agents.alice, .public)
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

    @Test("a visibility filter only narrows what the reader may see")
    func filterNarrows() async throws {
        try await TestDatabase.with { storage in
            let session = try await storage.makeSession()
            for visibility in Visibility.allCases {
                try await storage.post("alice \(visibility.rawValue)", in: session.id, by: Agents.alice, visibility)
                try await storage.post("bob \(visibility.rawValue)", in: session.id, by: Agents.bob, visibility)
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
            let leak = try await storage.messages(MessageQuery(sessionID: session.id, visibility: .adminOnly), reader: Agents.bob)
            #expect(leak.messages.isEmpty)
        }
    }

    @Test("sender, time range and after-id reads keep the rules")
    func otherReadPaths() async throws {
        try await TestDatabase.with { storage in
            let session = try await storage.makeSession()
            for (offset, visibility) in Visibility.allCases.enumerated() {
                try await storage.post("m\(offset)", in: session.id, by: Agents.alice, visibility, at: 2_000 + Double(offset))
            }
            let bySender = try await storage.messages(
                MessageQuery(sessionID: session.id, sender: "alice", order: .descending), reader: Agents.bob
            )
            #expect(bySender.messages.map(\.visibility) == [.public])
            let ranged = try await storage.messages(
                MessageQuery(sessionID: session.id, since: 2_000, until: 2_002), reader: Agents.carol
            )
            #expect(ranged.messages.map(\.visibility) == [.public, .agentOnly])
            let first = try #require(bySender.messages.first)
            let after = try await storage.messages(MessageQuery(sessionID: session.id, afterID: first.id), reader: Agents.admin)
            #expect(after.messages.map(\.visibility) == [.private, .agentOnly, .adminOnly])
            let byAdminSender = try await storage.messages(MessageQuery(sessionID: session.id, sender: "alice"), reader: Agents.admin)
            #expect(byAdminSender.messages.count == 4)
        }
    }

    @Test("list_sessions counts only visible messages; last activity from them")
    func sessionListCounts() async throws {
        try await TestDatabase.with { storage in
            let session = try await storage.makeSession(at: 1_000)
            try await storage.post("public", in: session.id, by: Agents.alice, .public, at: 2_000)
            try await storage.post("secret", in: session.id, by: Agents.alice, .private, at: 3_000)
            let empty = try await storage.makeSession(at: 1_500)
            let asBob = try await storage.listSessions(SessionListQuery(), reader: Agents.bob)
            #expect(asBob.sessions.map(\.session.id) == [empty.id, session.id])
            #expect(asBob.sessions[1].messageCount == 1)
            #expect(asBob.sessions[1].lastActivity == 2_000)
            #expect(asBob.sessions[0].lastActivity == 1_500)
            let asAlice = try await storage.listSessions(SessionListQuery(), reader: Agents.alice)
            #expect(asAlice.sessions[1].messageCount == 2)
            #expect(asAlice.sessions[1].lastActivity == 3_000)
            #expect(asAlice.totalCount == 2)
        }
    }
}
