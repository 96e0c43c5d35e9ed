import SCSCore
import SCSStorage
import SCSTesting
import Testing
import OrderedCollections

@Suite("Messages, on every driver")
struct MessageStoreTests {
    @Test("20 concurrent writers: every message present once, ids in commit order, time never decreasing", arguments: StorageDriver.allCases)
    func concurrentWriters(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            let writers = 20, perWriter = 25
            let returned = try await withThrowingTaskGroup(of: [Message].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var mine: [Message] = []
                        for index in 0..<perWriter {
                            // Proposed times deliberately disagree with commit order.
                            let time = 5_000 - Double(index) - Double(writer) / 100
                            mine.append(try await storage.appendMessage(NewMessage(
                                sessionID: session.id, sender: "w\(writer)", senderType: "claude",
                                content: "writer \(writer) message \(index)", timestamp: time)))
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let stored = try await storage.messages(
                MessageQuery(sessionID: session.id, limit: 10_000, countTotal: true), reader: TestIdentities.admin
            )
            #expect(stored.totalCount == writers * perWriter)
            #expect(Set(stored.messages.map(\.content)).count == writers * perWriter)
            #expect(Set(returned.map(\.id)) == Set(stored.messages.map(\.id)))
            let ids = stored.messages.map(\.id)
            #expect(ids == ids.sorted() && Set(ids).count == ids.count)
            let times = stored.messages.map(\.timestamp)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
            // Each writer's own messages keep its order.
            for writer in 0..<writers {
                let mine = stored.messages.filter { $0.sender == "w\(writer)" }.map(\.content)
                #expect(mine == (0..<perWriter).map { "writer \(writer) message \($0)" })
            }
        }
    }

    @Test("a parent must exist in the same session", arguments: StorageDriver.allCases)
    func parentChecks(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let first = try await storage.makeSession()
            let second = try await storage.makeSession()
            let root = try await storage.post("root", in: first.id, by: TestIdentities.alice)
            let reply = try await storage.post("reply", in: first.id, by: TestIdentities.bob, parent: root.id)
            #expect(reply.parentMessageID == root.id)
            let crossSession = try await expectSCSError(.invalidParentMessage) {
                try await storage.post("sneaky", in: second.id, by: TestIdentities.bob, parent: root.id)
            }
            #expect(crossSession.context["parent_message_id"] == .int(root.id))
            _ = try await expectSCSError(.invalidParentMessage) {
                try await storage.post("orphan", in: first.id, by: TestIdentities.bob, parent: 999_999)
            }
            let inSecond = try await storage.messages(MessageQuery(sessionID: second.id), reader: TestIdentities.admin)
            #expect(inSecond.messages.isEmpty)
            #expect(try await storage.messages(MessageQuery(sessionID: first.id), reader: TestIdentities.admin).messages.count == 2)
        }
    }

    @Test("content over 100,000 characters is refused with CONTENT_TOO_LARGE and nothing is stored", arguments: StorageDriver.allCases)
    func contentTooLarge(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            // Exactly the limit in multi-byte scalars is accepted (the limit counts characters, not bytes).
            let atLimit = String(repeating: "é", count: Message.maxContentLength)
            let accepted = try await storage.post(atLimit, in: session.id, by: TestIdentities.alice)
            #expect(accepted.content.unicodeScalars.count == Message.maxContentLength)
            let error = try await expectSCSError(.contentTooLarge) {
                try await storage.post(atLimit + "x", in: session.id, by: TestIdentities.alice)
            }
            #expect(error.recoverable == false)
            let stored = try await storage.messages(MessageQuery(sessionID: session.id, countTotal: true), reader: TestIdentities.admin)
            #expect(stored.totalCount == 1)
        }
    }

    @Test("unknown and closed sessions; reads keep working after close", arguments: StorageDriver.allCases)
    func sessionStates(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            _ = try await expectSCSError(.sessionNotFound) {
                try await storage.post("hello", in: "session_0000000000000000", by: TestIdentities.alice)
            }
            let session = try await storage.makeSession()
            try await storage.post("before", in: session.id, by: TestIdentities.alice)
            let closed = try await storage.closeSession(id: session.id, at: 9_000)
            #expect(closed.closedAt == 9_000 && !closed.isActive)
            let again = try await storage.closeSession(id: session.id, at: 9_999)
            #expect(again.closedAt == 9_000)
            _ = try await expectSCSError(.sessionClosed) {
                try await storage.post("after", in: session.id, by: TestIdentities.admin)
            }
            _ = try await expectSCSError(.sessionClosed) {
                _ = try await storage.putMemory(
                    MemoryWrite(agentID: "alice", key: "k", scope: .session(session.id), value: 1), now: 9_100)
            }
            #expect(try await storage.messages(MessageQuery(sessionID: session.id), reader: TestIdentities.bob).messages.count == 1)
            #expect(try await storage.listSessions(SessionListQuery(activeOnly: true), reader: TestIdentities.bob).sessions.isEmpty)
            #expect(try await storage.listSessions(SessionListQuery(activeOnly: false), reader: TestIdentities.bob).sessions.count == 1)
            _ = try await expectSCSError(.sessionNotFound) { _ = try await storage.closeSession(id: "session_ffffffffffffffff", at: 1) }
        }
    }

    @Test("SQL-looking and unicode text, and metadata objects, are stored verbatim", arguments: StorageDriver.allCases)
    func verbatim(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let metadata: JSONObject = ["priority": "high", "nested": ["a": [1, 2.5, nil]], "emoji": "🚀"]
            let session = try await storage.createSession(
                NewSession(purpose: "'; DROP TABLE sessions; --", createdBy: "alice", metadata: metadata, createdAt: 1))
            let text = "Robert'); DROP TABLE messages;-- ✓ 漢字 \u{1F600} \"quoted\" \\ back"
            let message = try await storage.appendMessage(NewMessage(
                sessionID: session.id, sender: "alice", senderType: "claude", content: text, metadata: metadata, timestamp: 2))
            let read = try #require(try await storage.message(id: message.id))
            #expect(read.content == text)
            #expect(read.metadata == metadata)
            let readSession = try #require(try await storage.session(id: session.id))
            #expect(readSession.purpose == "'; DROP TABLE sessions; --")
            #expect(readSession.metadata == metadata)
        }
    }

    @Test("visibility can be changed; unknown message is MESSAGE_NOT_FOUND", arguments: StorageDriver.allCases)
    func changeVisibility(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            let message = try await storage.post("note", in: session.id, by: TestIdentities.alice, .public)
            #expect(try await storage.setVisibility(messageID: message.id, to: .adminOnly, at: 3) == .public)
            #expect(try await storage.messages(MessageQuery(sessionID: session.id), reader: TestIdentities.alice).messages.isEmpty)
            _ = try await expectSCSError(.messageNotFound) { _ = try await storage.setVisibility(messageID: 424_242, to: .public, at: 3) }
        }
    }

    @Test("indexer reads return every message after an id, oldest first", arguments: StorageDriver.allCases)
    func allMessagesCatchUp(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            var ids: [Int64] = []
            for visibility in Visibility.allCases {
                ids.append(try await storage.post("x", in: session.id, by: TestIdentities.bob, visibility).id)
            }
            #expect(try await storage.allMessages(sessionID: session.id, afterID: 0, limit: 100).map(\.id) == ids)
            #expect(try await storage.allMessages(sessionID: session.id, afterID: ids[1], limit: 1).map(\.id) == [ids[2]])
        }
    }

    @Test("search delta: new messages after a cursor and current rows of re-visibled messages, per session", arguments: StorageDriver.allCases)
    func searchDelta(driver: StorageDriver) async throws {
        try await TestStorage.with(driver) { storage in
            let session = try await storage.makeSession()
            let other = try await storage.makeSession()
            let first = try await storage.post("one", in: session.id, by: TestIdentities.alice)
            let second = try await storage.post("two", in: session.id, by: TestIdentities.alice, .private)
            let elsewhere = try await storage.post("elsewhere", in: other.id, by: TestIdentities.alice)
            let initial = try await storage.searchDelta(sessionID: session.id, afterMessageID: 0, afterChangeID: 0, limit: 100)
            #expect(initial.messages.map(\.id) == [first.id, second.id] && initial.changed.isEmpty && initial.lastChangeID == 0)
            _ = try await storage.setVisibility(messageID: second.id, to: .public, at: 5)
            _ = try await storage.setVisibility(messageID: elsewhere.id, to: .private, at: 5)
            let third = try await storage.post("three", in: session.id, by: TestIdentities.bob)
            let delta = try await storage.searchDelta(
                sessionID: session.id, afterMessageID: second.id, afterChangeID: initial.lastChangeID, limit: 100)
            #expect(delta.messages.map(\.id) == [third.id])
            #expect(delta.changed.map(\.id) == [second.id] && delta.changed[0].visibility == .public)
            let quiet = try await storage.searchDelta(
                sessionID: session.id, afterMessageID: third.id, afterChangeID: delta.lastChangeID, limit: 100)
            #expect(quiet.messages.isEmpty && quiet.changed.isEmpty && quiet.lastChangeID == delta.lastChangeID)
        }
    }
}
