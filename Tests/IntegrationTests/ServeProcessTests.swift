import Foundation
import SCSCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("scs serve as a process: readiness, health, signals, control, systemd", .serialized)
struct ServeProcessTests {
    @Test("healthy with every worker up; a second instance refuses; SIGTERM exits 0")
    func readyAndSingleInstance() async throws {
        let started = Date()
        let serve = try await ServeHarness.start()
        defer { serve.sandbox.remove() }
        var health = try serve.health()
        while health["status"]?.stringValue != "healthy" && Date().timeIntervalSince(started) < 30 {
            try await Task.sleep(for: .milliseconds(10))
            health = try serve.health()
        }
        let readyAfter = Date().timeIntervalSince(started)
        #expect(health["status"] == "healthy")
        // Readiness time is measured by scripts/bench-search, not asserted here.
        #expect(readyAfter < 30, "healthy after \(readyAfter) s")
        let workers = try #require(health["workers"]?.arrayValue)
        #expect(workers.count == 3 && workers.allSatisfy { $0["state"] == "ready" && $0["pid"]?.intValue != nil })
        #expect(health["database"]?["status"] == "healthy")

        let (status, second) = try await SCSProcess.run(
            ["serve", "--port", "0"], environment: serve.sandbox.environment(ServeHarness.keys), directory: serve.sandbox.work)
        #expect(status == 75)
        #expect(second.stderr.contains("already running") && second.stderr.contains("\(serve.child.process.processIdentifier)"))
        #expect(try serve.health()["status"] == "healthy")  // the first one is undisturbed

        let pids = try serve.readyPIDs("search") + serve.readyPIDs("memory")
        #expect(try await serve.stop() == 0)
        for pid in pids { #expect(kill(pid, 0) != 0, "worker \(pid) still alive") }
    }

    @Test("kill -9 of a worker shows in /health and it comes back; workers restart and SIGHUP give new pids")
    func restarts() async throws {
        let serve = try await ServeHarness.start()
        defer { serve.sandbox.remove() }
        #expect(await waitFor { (try? serve.readyPIDs("search").count) == 2 })
        let before = try serve.readyPIDs("search")
        kill(before[0], SIGKILL)
        let killedAt = Date()
        #expect(await waitFor { let now = (try? serve.readyPIDs("search")) ?? []; return now.count == 2 && !now.contains(before[0]) })
        #expect(Date().timeIntervalSince(killedAt) < 10)  // measured by the benchmark, bounded here
        let restarts = try serve.health()["workers"]?.arrayValue?.compactMap { $0["restarts"]?.intValue }.reduce(0, +)
        #expect(restarts == 1)
        // The role's last error says what happened to the killed worker; the memory role has none.
        let lastErrors = try serve.health()["last_errors"]
        #expect(lastErrors?["search"]?["reason"] == "killed by signal 9" && lastErrors?["memory"] == .null)

        let afterKill = try serve.readyPIDs("search")
        let (status, output) = try await SCSProcess.run(
            ["workers", "restart", "search", "--json"], environment: serve.sandbox.environment(ServeHarness.keys),
            directory: serve.sandbox.work)
        #expect(status == 0, "\(output.stderr)")
        let restarted = try serve.readyPIDs("search")
        #expect(restarted.count == 2 && Set(restarted).isDisjoint(with: Set(afterKill)))
        let listed = try JSONValue.parse(output.stdout)
        #expect(listed.arrayValue?.count == 3)

        let memoryBefore = try serve.readyPIDs("memory")
        kill(serve.child.process.processIdentifier, SIGHUP)
        #expect(await waitFor {
            let search = (try? serve.readyPIDs("search")) ?? [], memory = (try? serve.readyPIDs("memory")) ?? []
            return search.count == 2 && Set(search).isDisjoint(with: Set(restarted)) && memory.count == 1 && memory != memoryBefore
        })
        let (statusCode, table) = try await SCSProcess.run(
            ["workers", "status"], environment: serve.sandbox.environment(ServeHarness.keys), directory: serve.sandbox.work)
        #expect(statusCode == 0 && table.stdout.contains("ROLE") && table.stdout.components(separatedBy: "ready").count == 4)
        #expect(try await serve.stop() == 0)
    }

    @Test("a worker that cannot bind its socket logs why and exits 70 at once")
    func workerStartupError() async throws {
        let serve = try await ServeHarness.start()
        defer { serve.sandbox.remove() }
        let socket = serve.sandbox.root + "/no-such-directory/w.sock"
        let worker = try SCSProcess(
            ["worker", "search", "--socket", socket], environment: serve.sandbox.environment(ServeHarness.keys), directory: serve.sandbox.work)
        #expect(try await worker.waitForExit(timeout: 20) == 70)
        #expect(worker.stderr.contains("worker cannot serve") && worker.stderr.contains(socket), "\(worker.stderr)")
        #expect(try await serve.stop() == 0)
    }

    @Test("the supervisor dying (kill -9) takes its workers with it")
    func lifeline() async throws {
        let serve = try await ServeHarness.start()
        defer { serve.sandbox.remove() }
        #expect(await waitFor { (try? serve.readyPIDs("search").count) == 2 && (try? serve.readyPIDs("memory").count) == 1 })
        let workers = try serve.readyPIDs("search") + serve.readyPIDs("memory")
        kill(serve.child.process.processIdentifier, SIGKILL)
        _ = try await serve.child.waitForExit()
        #expect(await waitFor { workers.allSatisfy { kill($0, 0) != 0 } })
    }

    @Test("systemd: READY=1 after the workers, STATUS= lines, WATCHDOG=1 pings, STOPPING=1")
    func systemdNotify() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let socketPath = sandbox.root + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in socketPath.utf8.enumerated() { buffer[index] = byte }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let serve = try await ServeHarness.start(sandbox: sandbox, extra: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "200000"])
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && !messages.contains(where: { $0.contains("WATCHDOG=1") }) {
            var buffer = [UInt8](repeating: 0, count: 4_096)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { messages.append(String(decoding: buffer[..<count], as: UTF8.self)) }
        }
        let ready = try #require(messages.first { $0.contains("READY=1") })
        #expect(ready.contains("STATUS=search workers 2/2 ready, memory worker 1/1 ready"))
        #expect(messages.contains { $0 == "WATCHDOG=1" })
        kill(serve.child.process.processIdentifier, SIGTERM)
        var stopping = false
        let stopDeadline = Date().addingTimeInterval(5)
        while Date() < stopDeadline && !stopping {
            var buffer = [UInt8](repeating: 0, count: 4_096)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 && String(decoding: buffer[..<count], as: UTF8.self).contains("STOPPING=1") { stopping = true }
        }
        #expect(stopping)
        #expect(try await serve.child.waitForExit() == 0)
    }
}

/// Polls `condition` (bounded).
func waitFor(timeout: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
