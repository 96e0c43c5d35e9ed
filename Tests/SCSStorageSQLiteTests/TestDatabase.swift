import Foundation
import SCSCore
import SCSStorage
import SCSStorageSQLite

/// A real SQLite file in a fresh temporary directory, removed by `remove()`.
struct TestDatabase {
    let directory: String
    let path: String
    let storage: SQLiteStorage

    init(maxReaders: Int = 4, schema: SQLiteStorage.SchemaMode = .migrate, prepare: ((String) throws -> Void)? = nil) throws {
        directory = NSTemporaryDirectory() + "scs-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/scs.db"
        try prepare?(path)
        storage = try SQLiteStorage(
            configuration: StorageConfiguration(backend: .sqlite(path: path), maxReaders: maxReaders), schema: schema
        )
    }

    func remove() async {
        try? await storage.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `body` with a fresh database and removes it afterwards.
    static func with<T>(_ body: (SQLiteStorage) async throws -> T) async throws -> T {
        let db = try TestDatabase()
        do {
            let result = try await body(db.storage)
            await db.remove()
            return result
        } catch {
            await db.remove()
            throw error
        }
    }
}

enum Agents {
    static let alice = AgentIdentity(agentID: "alice", agentType: "claude", permissions: [.read, .write])
    static let bob = AgentIdentity(agentID: "bob", agentType: "gemini", permissions: [.read, .write])
    /// Same agent_type as alice.
    static let carol = AgentIdentity(agentID: "carol", agentType: "Claude", permissions: [.read, .write])
    static let admin = AgentIdentity(agentID: "root", agentType: "admin", permissions: [.read, .write, .admin])
    static let anonymous = AgentIdentity.anonymous(mcpSessionID: "0123456789abcdef0123456789abcdef")
}

extension SQLiteStorage {
    func makeSession(by agent: AgentIdentity = Agents.alice, at time: Double = 1_000) async throws -> Session {
        try await createSession(NewSession(purpose: "test session", createdBy: agent.agentID, createdAt: time))
    }

    @discardableResult
    func post(
        _ content: String, in session: String, by agent: AgentIdentity, _ visibility: Visibility = .public,
        parent: Int64? = nil, at time: Double = 2_000
    ) async throws -> Message {
        try await appendMessage(
            NewMessage(
                sessionID: session, sender: agent.agentID, senderType: agent.agentType, content: content,
                visibility: visibility, parentMessageID: parent, timestamp: time
            )
        )
    }
}

/// Asserts that `body` throws an `SCSError` with `code` and returns it.
func expectSCSError(_ code: SCSError.Code, _ body: () async throws -> Void) async throws -> SCSError {
    do {
        try await body()
    } catch let error as SCSError {
        guard error.code == code else { throw TestFailure("expected \(code), got \(error.code)") }
        return error
    }
    throw TestFailure("expected \(code), nothing was thrown")
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
