import Foundation
import SCSCore
@testable import SCSSearch
import SCSStorage
import SCSStorageSQLite
import Testing
import OrderedCollections

@Suite("Search service over a real SQLite file")
struct SearchServiceTests {
    static let alice = AgentIdentity(agentID: "alice", agentType: "claude", permissions: [.read, .write])
    static let bob = AgentIdentity(agentID: "bob", agentType: "gemini", permissions: [.read, .write])
    static let carol = AgentIdentity(agentID: "carol", agentType: "claude", permissions: [.read])
    static let admin = AgentIdentity(agentID: "root", agentType: "admin", permissions: [.read, .write, .admin])

    /// A fresh database and session; removed afterwards.
    static func withSession(_ body: (SQLiteStorage, String) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "scs-search-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try SQLiteStorage(
            configuration: StorageConfiguration(backend: .sqlite(path: directory + "/scs.db")), schema: .migrate)
        let session = try await storage.createSession(NewSession(purpose: "search", createdBy: "alice", createdAt: 1))
        try await body(storage, session.id)
        try await storage.close()
    }

    @discardableResult
    static func post(
        _ storage: SQLiteStorage, _ session: String, _ content: String, by agent: AgentIdentity = alice,
        _ visibility: Visibility = .public, metadata: JSONObject? = nil, at time: Double = 100
    ) async throws -> Message {
        try await storage.appendMessage(NewMessage(
            sessionID: session, sender: agent.agentID, senderType: agent.agentType, content: content,
            visibility: visibility, metadata: metadata, timestamp: time))
    }

    @Test("each scope and reader sees exactly the visible messages")
    func visibilityAndScopes() async throws {
        try await Self.withSession { storage, session in
            for visibility in Visibility.allCases {
                try await Self.post(storage, session, "database note \(visibility.rawValue)", by: Self.alice, visibility)
            }
            let service = SearchService(storage: storage)
            let expected: [(AgentIdentity, SearchScope, Set<Visibility>)] = [
                (Self.alice, .all, [.public, .private, .agentOnly]), (Self.alice, .private, [.private]),
                (Self.bob, .all, [.public]), (Self.bob, .private, []), (Self.carol, .all, [.public, .agentOnly]),
                (Self.admin, .all, Set(Visibility.allCases)), (Self.admin, .public, [.public]),
                (Self.admin, .private, [.private]),
                (AgentIdentity.anonymous(mcpSessionID: "abcdef0123"), .all, [.public]),
            ]
            for (reader, scope, visible) in expected {
                let outcome = try await service.search(SearchQuery(
                    sessionID: session, query: "database", reader: reader, scope: scope))
                #expect(Set(outcome.hits.map(\.message.visibility)) == visible, "\(reader.agentID) \(scope)")
                #expect(outcome.candidates == visible.count)
            }
        }
    }

    @Test("catches up with every committed message and every visibility change")
    func catchUp() async throws {
        try await Self.withSession { storage, session in
            let service = SearchService(storage: storage)
            func ids(_ reader: AgentIdentity) async throws -> [Int64] {
                try await service.search(SearchQuery(sessionID: session, query: "kubernetes", reader: reader, limit: 100))
                    .hits.map(\.message.id)
            }
            #expect(try await ids(Self.bob).isEmpty)
            let first = try await Self.post(storage, session, "kubernetes rollout done")
            #expect(try await ids(Self.bob) == [first.id])
            let hidden = try await Self.post(storage, session, "kubernetes secret", .private)
            #expect(try await ids(Self.bob) == [first.id])
            _ = try await storage.setVisibility(messageID: hidden.id, to: .public, at: 200)
            #expect(Set(try await ids(Self.bob)) == [first.id, hidden.id])
            _ = try await storage.setVisibility(messageID: first.id, to: .adminOnly, at: 201)
            #expect(try await ids(Self.bob) == [hidden.id])
            #expect(Set(try await ids(Self.admin)) == [first.id, hidden.id])
            // A new service (e.g. a restarted worker) loads the same state.
            let fresh = SearchService(storage: storage)
            let reloaded = try await fresh.search(SearchQuery(sessionID: session, query: "kubernetes", reader: Self.bob))
            #expect(reloaded.hits.map(\.message.id) == [hidden.id])
        }
    }

    @Test("identical texts are separate results; the whole session is searched, however old")
    func duplicatesAndAge() async throws {
        try await Self.withSession { storage, session in
            let old = try await Self.post(storage, session, "deploy finished", at: 1_000)  // decades ago
            let twin = try await Self.post(storage, session, "deploy finished", at: 2_000)
            for index in 0..<1_200 { try await Self.post(storage, session, "filler message \(index)", at: 3_000) }
            let outcome = try await SearchService(storage: storage).search(
                SearchQuery(sessionID: session, query: "deploy finished", reader: Self.bob))
            #expect(outcome.hits.map(\.message.id) == [twin.id, old.id])  // equal scores: newest first
            #expect(outcome.hits.allSatisfy { $0.score == 100 })
            #expect(outcome.candidates == 1_202)
        }
    }

    @Test("metadata values are searched only with search_metadata; threshold and limit apply")
    func metadataThresholdLimit() async throws {
        try await Self.withSession { storage, session in
            let tagged = try await Self.post(
                storage, session, "plain words", metadata: ["ticket": "ZEPHYR-42", "count": 0, "flag": true, "nested": ["x": "ZEPHYR"]])
            let service = SearchService(storage: storage)
            let with = try await service.search(SearchQuery(sessionID: session, query: "zephyr-42", reader: Self.bob))
            #expect(with.hits.map(\.message.id) == [tagged.id])
            let without = try await service.search(SearchQuery(
                sessionID: session, query: "zephyr-42", reader: Self.bob, searchMetadata: false))
            #expect(without.hits.isEmpty)
            #expect(SessionTexts.metadataValues(["a": "x", "b": 0, "c": false, "d": "", "e": 2.5, "f": true, "g": [1]])
                == ["x", "2.5", "True"])
            for index in 0..<20 { try await Self.post(storage, session, "alpha beta \(index)") }
            let limited = try await service.search(SearchQuery(sessionID: session, query: "alpha", reader: Self.bob, limit: 5))
            #expect(limited.hits.count == 5)
            let empty = try await service.search(SearchQuery(sessionID: session, query: "", reader: Self.bob))
            #expect(empty.hits.isEmpty)
            let strict = try await service.search(SearchQuery(sessionID: session, query: "alphx", reader: Self.bob, threshold: 90))
            #expect(strict.hits.isEmpty)
            let loose = try await service.search(SearchQuery(sessionID: session, query: "alphx", reader: Self.bob, threshold: 70))
            #expect(loose.hits.count == 10 && loose.hits.allSatisfy { $0.score >= 70 })
        }
    }

    @Test("indexes together stay within their byte budget; the session searched is kept")
    func indexByteBudget() async throws {
        try await Self.withSession { storage, first in
            let second = try await storage.createSession(NewSession(purpose: "two", createdBy: "alice", createdAt: 1)).id
            let third = try await storage.createSession(NewSession(purpose: "three", createdBy: "alice", createdAt: 1)).id
            let text = String(repeating: "searchable words ", count: 500)
            for session in [first, second, third] {
                for _ in 0..<10 { try await Self.post(storage, session, text) }
            }
            let unbounded = SearchService(storage: storage)
            func query(_ session: String) -> SearchQuery {
                SearchQuery(sessionID: session, query: "searchable", reader: Self.alice, threshold: 60, limit: 5, searchMetadata: false, scope: .all)
            }
            _ = try await unbounded.search(query(first))
            let perSession = unbounded.indexedBytes
            #expect(perSession > 10 * text.utf8.count * 4)
            // Room for two sessions' indexes, not three.
            let service = SearchService(storage: storage, maxBytes: perSession * 2 + perSession / 2)
            for session in [first, second] { #expect(try await service.search(query(session)).hits.count == 5) }
            #expect(service.indexedSessions == 2)
            #expect(try await service.search(query(third)).hits.count == 5)
            #expect(service.indexedSessions == 2 && service.indexedBytes <= service.maxBytes)
            // A budget smaller than one session still searches it, and keeps only it.
            let tiny = SearchService(storage: storage, maxBytes: 1 << 10)
            for session in [first, second, third] { #expect(try await tiny.search(query(session)).hits.count == 5) }
            #expect(tiny.indexedSessions == 1)
        }
    }

    @Test("ranking matches RapidFuzz process.extract (limit, cutoff, ties)")
    func extractCases() throws {
        let cases = try #require(GoldenCorpusTests.corpus["extract"]?.arrayValue)
        for testCase in cases {
            let query = testCase["query"]!.stringValue!
            let choices = testCase["choices"]!.arrayValue!.map { $0.stringValue! }
            let threshold = testCase["threshold"]!.doubleValue!
            let limit = Int(testCase["limit"]!.intValue!)
            // Choices are newest first; the index holds them oldest first.
            let scorer = FuzzyScorer(query: query)
            let oldestFirst = Array(choices.reversed())
            let hits = oldestFirst.enumerated().compactMap { position, text -> SearchService.RankedHit? in
                let score = scorer.scoreIfAtLeast(FuzzyScorer.scalars(text)[...], threshold: threshold)
                return score >= threshold ? SearchService.RankedHit(position: position, score: score) : nil
            }
            let ranked = SearchService.best(hits, limit: limit)
            let expected = testCase["results"]!.arrayValue!
            #expect(ranked.count == expected.count)
            for (got, want) in zip(ranked, expected) {
                let wantIndex = Int(want.arrayValue![2].intValue!)
                #expect(choices.count - 1 - got.position == wantIndex)
                #expect(abs(got.score - want.arrayValue![1].doubleValue!) <= 0.01)
            }
        }
    }
}
