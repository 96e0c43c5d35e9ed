import Foundation
import SCSCore
import SCSStorage
import SCSStorageSQLite
import SCSTesting
import Testing
import OrderedCollections

@Suite("Audit log and tokens")
struct AuditAndTokenTests {
    @Test("file descriptors stay flat however many calls are made")
    func descriptorsStayFlat() async throws {
        let database = try TestDatabase()
        let storage = database.storage
        do {
            let session = try await storage.makeSession()
            /// Descriptors of this process open on this database's files (other tests run in parallel).
            func openDescriptors() throws -> Int {
                try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd))?
                        .hasPrefix(database.directory) == true
                }.count
            }
            func burst(_ count: Int) async throws {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<count {
                        group.addTask {
                            try await storage.post("m\(index)", in: session.id, by: TestIdentities.alice)
                            _ = try await storage.messages(MessageQuery(sessionID: session.id, limit: 5), reader: TestIdentities.bob)
                            _ = try await storage.memory(agentID: "alice", key: "k", scope: .global, now: 1)
                        }
                    }
                    try await group.waitForAll()
                }
            }
            try await burst(200)  // warm the pool up to its bound
            // Readers + writer + checkpointer (db and wal each) + shm: the pool's bound, however
            // many calls were made (how close a burst comes to it depends on the machine's load).
            let bound = 2 * (4 + 2) + 1
            #expect(try openDescriptors() >= 2 && openDescriptors() <= bound)
            for _ in 0..<5 { try await burst(400) }
            #expect(try openDescriptors() <= bound)
        } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }
}
