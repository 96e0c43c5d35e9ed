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

@Suite("Supervision scenarios with real worker processes", .serialized)
struct SupervisionScenarioTests {
    @Test("kill -9 of the memory worker: no acknowledged write is lost")
    func killMemoryWorker() async throws {
        try await SupervisorHarness.with(searchWorkers: 1) { harness in
            #expect(await harness.supervisor.start())
            let acknowledged = Recorder<String>()
            let load = LoadCounters()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        var index = 0
                        while !load.stopped {
                            let key = "w\(writer)-\(index)"
                            do {
                                _ = try await harness.supervisor.call(MemorySetMethod.self, .init(
                                    identity: SupervisorHarness.identity, key: key, value: .int(Int64(index))))
                                acknowledged.append(key)
                                load.success()
                            } catch let error as SCSError where error.code == .workerUnavailable && error.recoverable {
                                load.failure("retryable")  // outcome unknown: a client retries
                            }
                            index += 1
                        }
                    }
                }
                // Enough acknowledged writes before the kill and after the restart, however busy the machine.
                #expect(await SupervisorHarness.eventually { acknowledged.all.count >= 30 })
                let victim = try #require(await harness.pids(.memory).first)
                kill(victim, SIGKILL)
                #expect(await SupervisorHarness.eventually { await harness.pids(.memory).first.map { $0 != victim } ?? false })
                let afterRestart = acknowledged.all.count
                #expect(await SupervisorHarness.eventually { acknowledged.all.count >= afterRestart + 25 })
                load.halt()
                try await group.waitForAll()
            }
            let keys = acknowledged.all
            #expect(keys.count > 50)
            let stored = try await harness.storage.listMemory(agentID: "tester", scope: .global, prefix: nil, limit: 100_000, now: 0)
            #expect(Set(keys).isSubset(of: Set(stored.map(\.key))))
            // Idempotent upserts (overwrite: true) are retried by the supervisor, so callers rarely see an error.
            #expect(load.failures <= 4)
        }
    }

    @Test("rolling restart under continuous search load: zero failed requests, all new pids")
    func rollingRestart() async throws {
        try await SupervisorHarness.with(searchWorkers: 2) { harness in
            #expect(await harness.supervisor.start())
            let session = try await harness.storage.createSession(NewSession(purpose: "r", createdBy: "tester", createdAt: 1))
            for index in 0..<50 {
                _ = try await harness.storage.appendMessage(NewMessage(
                    sessionID: session.id, sender: "tester", senderType: "claude", content: "rolling \(index)", timestamp: 2))
            }
            let before = await harness.pids(.search) + harness.pids(.memory)
            let load = LoadCounters()
            let sessionID = session.id
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while !load.stopped {
                            do {
                                _ = try await harness.search(sessionID, "rolling")
                                _ = try await harness.supervisor.call(MemoryListMethod.self, .init(
                                    identity: SupervisorHarness.identity, scope: .global, limit: 5))
                                load.success()
                            } catch {
                                load.failure("\(error)")
                            }
                        }
                    }
                }
                #expect(await load.more(20))  // the load runs before the rolling restart...
                try await harness.supervisor.restart(nil)
                #expect(await load.more(20))  // ...and after it
                load.halt()
                try await group.waitForAll()
            }
            let after = await harness.pids(.search) + harness.pids(.memory)
            #expect(after.count == 3 && Set(after).isDisjoint(with: Set(before)))
            #expect(load.failures == 0, "\(load.errors)")
            #expect(load.successes > 20)
        }
    }

    @Test("a worker that crashes on start ends up degraded while the rest keeps serving")
    func crashOnStart() async throws {
        try await SupervisorHarness.with(searchWorkers: 1, executables: [.search: "/bin/false"]) { harness in
            #expect(await harness.supervisor.start(readyTimeout: 0.5) == false)
            #expect(await SupervisorHarness.eventually(timeout: 10) {
                await harness.supervisor.search.status().first?.degraded == true
            })
            let health = await harness.supervisor.health()
            #expect(health.state == "degraded")
            #expect(health.workers.first { $0.role == .search }!.restarts > 5)
            // Memory keeps working.
            _ = try await harness.supervisor.call(MemorySetMethod.self, .init(identity: SupervisorHarness.identity, key: "k", value: 1))
            let entry = try await harness.supervisor.call(MemoryGetMethod.self, .init(identity: SupervisorHarness.identity, key: "k", sessionID: nil))
            #expect(entry.value == 1)
            // Search answers a retryable error after a bounded wait instead of hanging.
            let started = Date()
            let error = await #expect(throws: SCSError.self) {
                _ = try await harness.search("session_0000000000000000", "x")
            }
            #expect(error?.code == .workerUnavailable && error?.retryAfter != nil)
            #expect(Date().timeIntervalSince(started) < 3)
        }
    }

    @Test("garbage, oversized and truncated frames sent to a worker socket: it keeps serving")
    func hostileFramesToWorker() async throws {
        try await SupervisorHarness.with(searchWorkers: 1) { harness in
            #expect(await harness.supervisor.start())
            let runtime = harness.sandbox.root + "/run"
            let sockets = try FileManager.default.contentsOfDirectory(atPath: runtime).filter { $0.hasPrefix("s") && $0.hasSuffix(".sock") }
            let socket = try #require(sockets.first.map { runtime + "/" + $0 })
            let pid = await harness.pids(.search)
            for attack: [UInt8] in [Array("garbage\r\n".utf8), [0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 1, 0, 65, 66]] {
                rawSend(socket, attack)
            }
            let session = try await harness.storage.createSession(NewSession(purpose: "g", createdBy: "tester", createdAt: 1))
            for _ in 0..<10 { _ = try await harness.search(session.id, "anything") }
            #expect(await harness.pids(.search) == pid)  // same process, never restarted
        }
    }

    @Test("the sweeper's memory.expired events reach the supervisor")
    func expiredEvents() async throws {
        let events = Recorder<String>()
        try await SupervisorHarness.with(searchWorkers: 1, onEvent: { event in
            guard case .memoryExpired(let entries) = event else { return }
            events.append(contentsOf: entries.map { "memory.expired:\($0.key)" })
        }) { harness in
            #expect(await harness.supervisor.start())
            _ = try await harness.supervisor.call(MemorySetMethod.self, .init(
                identity: SupervisorHarness.identity, key: "short", value: 1, expiresIn: 1))
            #expect(await SupervisorHarness.eventually(timeout: 5) { events.all == ["memory.expired:short"] })
        }
    }
}

/// Writes raw bytes to a Unix socket and closes it.
func rawSend(_ path: String, _ bytes: [UInt8]) {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
    }
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}
