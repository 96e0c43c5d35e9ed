import Foundation
public import SCSCore
import SCSStorage
public import SCSStorageSQLite

/// A real SQLite file, migrated, in a fresh temporary directory; `remove()` deletes it.
public final class TemporaryDatabase: Sendable {
    public let directory: String
    public let path: String
    public let storage: SQLiteStorage

    public init() throws {
        directory = NSTemporaryDirectory() + "scs-testing-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/scs.db"
        storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: path)), schema: .migrate)
    }

    public func remove() async {
        try? await storage.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Identities tests use (the permissions their agent types allow).
public enum TestIdentities {
    public static let alice = AgentIdentity(agentID: "alice", agentType: "claude", permissions: [.read, .write])
    public static let bob = AgentIdentity(agentID: "bob", agentType: "gemini", permissions: [.read, .write])
    /// Same agent_type as alice.
    public static let carol = AgentIdentity(agentID: "carol", agentType: "Claude", permissions: [.read, .write])
    public static let admin = AgentIdentity(agentID: "root", agentType: "admin", permissions: [.read, .write, .admin])
    public static let anonymous = AgentIdentity.anonymous(mcpSessionID: "0123456789abcdef0123456789abcdef")
}
