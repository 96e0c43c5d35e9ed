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

    /// Runs `body` with a fresh database and removes it afterwards (for tests of SQLite's own API;
    /// tests every driver must pass use `TestStorage.with`).
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
