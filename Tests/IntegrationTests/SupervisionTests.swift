import Foundation
import SCSCore
import SCSStorage
import SCSSupervisor
import SCSWire
import Synchronization
import Testing
import SCSStorageSQLite

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Supervision of real worker processes", .serialized)
struct SupervisionTests {
    @Test("kill -9 of a search worker under continuous search: it comes back and no request fails")
    func killSearchWorker() async throws {
        try await SupervisorHarness.with(searchWorkers: 2) { harness in
            let started = Date()
            #expect(await harness.supervisor.start())
            let readyAfter = Date().timeIntervalSince(started)
            #expect(readyAfter < 30, "ready after \(readyAfter) s")  // timing is the benchmark's job
            let session = try await harness.storage.createSession(NewSession(purpose: "load", createdBy: "tester", createdAt: 1))
            for index in 0..<200 {
                _ = try await harness.storage.appendMessage(NewMessage(
                    sessionID: session.id, sender: "tester", senderType: "claude", content: "needle number \(index)", timestamp: 2))
            }
            let before = await harness.pids(.search)
            #expect(before.count == 2)
            let load = LoadCounters()
            let sessionID = session.id
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while !load.stopped {
                            do {
                                let result = try await harness.search(sessionID, "needle")
                                if result.hits.count == 10 { load.success() } else { load.failure("\(result.hits.count) hits") }
                            } catch {
                                load.failure("\(error)")
                            }
                        }
                    }
                }
                #expect(await load.more(30))  // the load runs before the kill...
                let victim = before[0]
                let killedAt = Date()
                kill(victim, SIGKILL)
                let back = await SupervisorHarness.eventually(timeout: 5) {
                    let now = await harness.pids(.search)
                    return now.count == 2 && !now.contains(victim)
                }
                let recovery = Date().timeIntervalSince(killedAt)
                #expect(back, "not recovered after \(recovery) s")
                #expect(await load.more(30))  // ...and after the recovery
                load.halt()
                try await group.waitForAll()
            }
            #expect(load.failures == 0, "\(load.errors)")
            #expect(load.successes > 50)
            let restarts = await harness.supervisor.search.status().map(\.restarts).reduce(0, +)
            #expect(restarts == 1)
        }
    }

    @Test("searches of a session go to one worker: each session is loaded once in the pool, and a restarted worker serves the same ones")
    func searchAffinity() async throws {
        try await SupervisorHarness.with(searchWorkers: 3) { harness in
            #expect(await harness.supervisor.start())
            var sessions: [String] = []
            for index in 0..<24 {
                let session = try await harness.storage.createSession(NewSession(purpose: "s\(index)", createdBy: "tester", createdAt: 1))
                _ = try await harness.storage.appendMessage(NewMessage(
                    sessionID: session.id, sender: "tester", senderType: "claude", content: "needle in \(index)", timestamp: 2))
                sessions.append(session.id)
            }
            for _ in 0..<3 {
                for session in sessions { #expect(try await harness.search(session, "needle").hits.count == 1) }
            }
            let before = await harness.supervisor.search.status()
            let indexes = before.compactMap(\.report?.index)
            #expect(indexes.count == 3)
            #expect(indexes.map(\.sessions).reduce(0, +) == 24, "\(indexes)")
            #expect(indexes.map(\.coldLoads).reduce(0, +) == 24, "each session loaded once in the pool: \(indexes)")
            #expect(indexes.filter { $0.sessions > 0 }.count >= 2, "sessions spread over the workers: \(indexes)")
            #expect(before.allSatisfy { ($0.report?.rssBytes ?? 0) > 0 })

            let busiest = try #require(before.max { ($0.report?.index?.sessions ?? 0) < ($1.report?.index?.sessions ?? 0) })
            let victim = try #require(busiest.pid)
            kill(victim, SIGKILL)
            #expect(await SupervisorHarness.eventually {
                let pids = await harness.pids(.search)
                return pids.count == 3 && !pids.contains(victim)
            })
            for session in sessions { #expect(try await harness.search(session, "needle").hits.count == 1) }
            let after = await harness.supervisor.search.status()
            let replacement = try #require(after.first { $0.position == busiest.position })
            #expect(replacement.pid != victim)
            #expect(replacement.report?.index?.sessions == busiest.report?.index?.sessions, "same position, same sessions")
            // The survivors loaded nothing new; the replacement reloaded exactly its own sessions.
            #expect(after.compactMap(\.report?.index?.coldLoads).reduce(0, +) == 24)
            #expect(replacement.report?.index?.coldLoads == busiest.report?.index?.sessions)
        }
    }
}
