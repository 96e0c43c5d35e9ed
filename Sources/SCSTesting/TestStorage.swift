import Foundation
public import SCSCore
public import SCSStorage
import SCSStorageSQLite
import SCSStoragePostgres
import PostgresNIO
import Logging

/// The storage drivers the shared storage tests run on (`@Test(arguments: StorageDriver.allCases)`).
public enum StorageDriver: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }
}

/// What a storage test gets: everything a driver implements.
public typealias StorageUnderTest = Storage

/// A fresh, migrated store per test: a SQLite file in a temporary directory, or a new database on
/// the PostgreSQL cluster named by `SCS_TEST_POSTGRES_URL` (scripts/test starts one). Without that
/// variable a PostgreSQL test fails and says so: nothing is skipped silently.
public enum TestStorage {
    public static func with<T>(_ driver: StorageDriver, _ body: (any StorageUnderTest) async throws -> T) async throws -> T {
        switch driver {
        case .sqlite:
            let database = try TemporaryDatabase()
            do {
                let result = try await body(database.storage)
                await database.remove()
                return result
            } catch {
                await database.remove()
                throw error
            }
        case .postgres:
            return try await withPostgresDatabase { url in
                let storage = try await PostgresStorage.open(url: url, poolSize: 8)
                do {
                    let result = try await body(storage)
                    try await storage.close()
                    return result
                } catch {
                    try? await storage.close()
                    throw error
                }
            }
        }
    }

    /// A new, empty database on the test cluster for `body` (dropped afterwards, connections and all).
    public static func withPostgresDatabase<T>(_ body: (PostgresURL) async throws -> T) async throws -> T {
        let (cluster, name) = try await createDatabase()
        var url = cluster
        url.database = name
        do {
            let result = try await body(url)
            try await dropDatabase(name, on: cluster)
            return result
        } catch {
            try? await dropDatabase(name, on: cluster)
            throw error
        }
    }

    /// The test cluster's URL, or a failure that says how to get one.
    public static func clusterURL() throws -> PostgresURL {
        guard let text = ProcessInfo.processInfo.environment["SCS_TEST_POSTGRES_URL"], !text.isEmpty else {
            throw TestFailure(
                "SCS_TEST_POSTGRES_URL is not set: run ./scripts/test, or `scripts/pg-cluster start DIR` and export the URL it prints")
        }
        do {
            return try PostgresURL(parsing: text)
        } catch {
            throw TestFailure("SCS_TEST_POSTGRES_URL: \(error.description)")
        }
    }

    static func createDatabase() async throws -> (PostgresURL, String) {
        let cluster = try clusterURL()
        let name = "scs_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await administer(cluster, "CREATE DATABASE \(name)")
        return (cluster, name)
    }

    static func dropDatabase(_ name: String, on cluster: PostgresURL) async throws {
        try await administer(cluster, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// One statement on the database `url` names, over a short-lived connection.
    public static func execute(on url: PostgresURL, _ sql: String) async throws {
        try await administer(url, sql)
    }

    /// One statement on the cluster's own database, over a short-lived connection.
    static func administer(_ cluster: PostgresURL, _ sql: String) async throws {
        let configuration = PostgresConnection.Configuration(
            host: cluster.host, port: cluster.port, username: cluster.user, password: cluster.password, database: cluster.database,
            tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "scs.test-cluster"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "scs.test-cluster"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Asserts that `body` throws an `SCSError` with `code` and returns it.
@discardableResult
public func expectSCSError(_ code: SCSError.Code, _ body: () async throws -> Void) async throws -> SCSError {
    do {
        try await body()
    } catch let error as SCSError {
        guard error.code == code else { throw TestFailure("expected \(code), got \(error.code)") }
        return error
    }
    throw TestFailure("expected \(code), nothing was thrown")
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension SessionStore {
    /// A session made for a test.
    public func makeSession(by agent: AgentIdentity = TestIdentities.alice, at time: Double = 1_000) async throws -> Session {
        try await createSession(NewSession(purpose: "test session", createdBy: agent.agentID, createdAt: time))
    }
}

extension MessageStore {
    /// A message posted for a test.
    @discardableResult
    public func post(
        _ content: String, in session: String, by agent: AgentIdentity, _ visibility: Visibility = .public,
        parent: Int64? = nil, at time: Double = 2_000
    ) async throws -> Message {
        try await appendMessage(
            NewMessage(
                sessionID: session, sender: agent.agentID, senderType: agent.agentType, content: content,
                visibility: visibility, parentMessageID: parent, timestamp: time))
    }
}
