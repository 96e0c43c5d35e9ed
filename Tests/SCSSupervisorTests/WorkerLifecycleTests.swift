import SCSSupervisor
import Testing

@Suite("Worker lifecycle state machine (no processes)")
struct WorkerLifecycleTests {
    typealias L = WorkerLifecycle

    /// Starts a machine and brings it to ready with `pid`.
    static func ready(pid: Int32 = 100, at now: Double = 0) -> L {
        var machine = L()
        _ = machine.handle(.start, now: now)
        _ = machine.handle(.spawned(pid: pid), now: now)
        _ = machine.handle(.helloReceived, now: now)
        return machine
    }

    @Test("start, spawn, hello: routable only after hello")
    func happyPath() {
        var machine = L()
        #expect(machine.handle(.start, now: 0) == .spawn)
        #expect(!machine.isReady)
        #expect(machine.handle(.spawned(pid: 7), now: 0.01) == .connect(pid: 7))
        #expect(!machine.isReady && machine.pid == 7)
        #expect(machine.handle(.helloReceived, now: 0.02) == .none)
        #expect(machine.isReady && machine.state == .ready(pid: 7, since: 0.02))
        #expect(machine.restarts == 0)
    }

    @Test("a worker that had said hello is restarted at once")
    func restartAfterHello() {
        var machine = Self.ready()
        #expect(machine.handle(.exited(pid: 100), now: 5) == .spawn)
        #expect(machine.restarts == 1 && machine.state == .starting(pid: nil, since: 5))
        #expect(machine.handle(.exited(pid: 100), now: 5.1) == .none)  // stale exit of the old pid
    }

    @Test("deaths before hello back off 50 ms doubling to a 5 s cap; hello resets it")
    func backoff() {
        var machine = L()
        _ = machine.handle(.start, now: 0)
        var delays: [Double] = []
        var now = 0.0
        for pid in Int32(1)...9 {
            _ = machine.handle(.spawned(pid: pid), now: now)
            guard case .retry(let delay) = machine.handle(.exited(pid: pid), now: now) else {
                Issue.record("expected a retry")
                return
            }
            delays.append(delay)
            now += 100  // spread out so the role is not degraded
            #expect(machine.handle(.backoffElapsed, now: now) == .spawn)
        }
        #expect(delays == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5])
        _ = machine.handle(.spawned(pid: 50), now: now)
        _ = machine.handle(.helloReceived, now: now)
        _ = machine.handle(.exited(pid: 50), now: now + 1)  // after hello: immediate
        _ = machine.handle(.spawned(pid: 51), now: now + 1)
        #expect(machine.handle(.exited(pid: 51), now: now + 1) == .retry(after: 0.05))
    }

    @Test("more than 5 deaths before hello in 30 s: degraded, retrying at the cap; hello clears it")
    func degraded() {
        var machine = L()
        _ = machine.handle(.start, now: 0)
        var now = 0.0
        for pid in Int32(1)...6 {
            #expect(!machine.degraded)
            _ = machine.handle(.spawned(pid: pid), now: now)
            let action = machine.handle(.exited(pid: pid), now: now)
            if pid == 6 { #expect(action == .retry(after: 5)) }
            now += 1
            _ = machine.handle(.backoffElapsed, now: now)
        }
        #expect(machine.degraded)
        _ = machine.handle(.spawned(pid: 7), now: now)
        _ = machine.handle(.helloReceived, now: now)
        #expect(!machine.degraded && machine.isReady)
    }

    @Test("more than 20 restarts in 10 s make even healthy restarts back off")
    func intensity() {
        var machine = Self.ready(pid: 1)
        var now = 0.0
        var actions: [L.Action] = []
        for pid in Int32(1)...22 {
            now += 0.1
            let action = machine.handle(.exited(pid: pid), now: now)
            actions.append(action)
            if action == .spawn {
                _ = machine.handle(.spawned(pid: pid + 1), now: now)
                _ = machine.handle(.helloReceived, now: now)
            }
        }
        #expect(actions.prefix(20).allSatisfy { $0 == .spawn })
        #expect(actions[20] == .retry(after: 0.05))
    }

    @Test("stop: a running worker gets SIGTERM; its exit ends the machine; nothing restarts after")
    func stop() {
        var machine = Self.ready(pid: 9)
        #expect(machine.handle(.stop, now: 1) == .kill(pid: 9, signal: L.sigterm))
        #expect(machine.handle(.stop, now: 1.1) == .none)
        #expect(machine.handle(.exited(pid: 9), now: 2) == .none)
        #expect(machine.state == .stopped)
        #expect(machine.handle(.start, now: 3) == .none)
        #expect(machine.handle(.backoffElapsed, now: 3) == .none)
        var backingOff = L()
        _ = backingOff.handle(.start, now: 0)
        _ = backingOff.handle(.spawnFailed, now: 0)
        #expect(backingOff.handle(.stop, now: 0) == .none && backingOff.state == .stopped)
        #expect(backingOff.handle(.backoffElapsed, now: 1) == .none)
    }

    @Test("hung workers: no hello in time or failed heartbeats get SIGKILL, then the exit restarts them")
    func hung() {
        var starting = L()
        _ = starting.handle(.start, now: 0)
        _ = starting.handle(.spawned(pid: 3), now: 0)
        #expect(starting.handle(.helloTimedOut, now: 10) == .kill(pid: 3, signal: L.sigkill))
        #expect(starting.handle(.exited(pid: 3), now: 10) == .retry(after: 0.05))
        var ready = Self.ready(pid: 4)
        #expect(ready.handle(.heartbeatFailed, now: 5) == .kill(pid: 4, signal: L.sigkill))
        #expect(ready.handle(.exited(pid: 4), now: 5) == .spawn)
        // Late events from before are ignored.
        #expect(ready.handle(.helloTimedOut, now: 6) == .none)
        #expect(ready.handle(.helloReceived, now: 6) == .none)
    }
}
