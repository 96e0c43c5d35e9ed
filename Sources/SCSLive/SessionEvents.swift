import Foundation
public import SCSCore
import Synchronization

/// Hears every live event, on the publisher's thread: it must only enqueue. `flush` returns once
/// what it heard has gone where it goes (the peer relay: announced to the other nodes).
public protocol LiveEventListener: Sendable {
    func hear(_ event: LiveEvent)
    func flush() async
}

extension LiveEventListener {
    public func flush() async {}
}

/// The one source of live events (docs/ARCHITECTURE.md, "Live events"). `publish` is called once
/// per committed change by the code that made it; it wakes the `wait_for_messages` long-polls of
/// the session (a version counter per session and the continuations of the waiting calls, no
/// polling loop) and hands the event to each listener, in the order the server's assembly
/// attached them (`ServerApplication`).
public final class SessionEvents: Sendable {
    struct Entry {
        var version: UInt64 = 0
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    struct State {
        var sessions: [String: Entry] = [:]
        /// Waiters whose timeout or cancellation fired before they registered.
        var fired: Set<UUID> = []
        /// Every wait that has not returned yet.
        var inProgress: Set<UUID> = []
    }

    let state = Mutex(State())
    /// Long-polls parked right now, for tests to wait on (a poll parks only when nothing is new).
    public let parked = WaitableState(0)
    let listeners = Mutex<[any LiveEventListener]>([])
    /// Long-polls in progress per agent id.
    let polls = Mutex<[String: Int]>([:])
    /// Most concurrent long-polls one agent may hold (`wait_for_messages` past it: LIMIT_REACHED).
    public let maxPollsPerAgent: Int

    public init(maxPollsPerAgent: Int = 16) { self.maxPollsPerAgent = maxPollsPerAgent }

    /// Adds a listener after those attached before it.
    public func attach(_ listener: any LiveEventListener) {
        listeners.withLock { $0.append(listener) }
    }

    /// Adds a closure as a listener (tests).
    public func listen(_ body: @escaping @Sendable (LiveEvent) -> Void) {
        attach(ClosureListener(body: body))
    }

    /// Returns once every listener has passed on the events published so far (at once with one
    /// node; with several, after the peer relay announced them): a revocation is acknowledged
    /// only after that.
    public func flush() async {
        for listener in listeners.withLock({ $0 }) { await listener.flush() }
    }

    /// Takes one of `agent`'s long-poll places; false when all are taken.
    public func beginPoll(agent: String) -> Bool {
        polls.withLock { polls in
            guard polls[agent, default: 0] < maxPollsPerAgent else { return false }
            polls[agent, default: 0] += 1
            return true
        }
    }

    public func endPoll(agent: String) {
        polls.withLock { polls in
            let left = polls[agent, default: 1] - 1
            polls[agent] = left > 0 ? left : nil
        }
    }

    public func version(_ sessionID: String) -> UInt64 {
        state.withLock { $0.sessions[sessionID]?.version ?? 0 }
    }

    /// A committed change: long-polls of its session wake (for a new message), then every
    /// listener hears of it.
    public func publish(_ event: LiveEvent) {
        if case .messageAdded(let message) = event { messageAdded(message.sessionID) }
        for listener in listeners.withLock({ $0 }) { listener.hear(event) }
    }

    /// A message was committed to `sessionID`: every waiter wakes and re-reads.
    func messageAdded(_ sessionID: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.sessions[sessionID, default: Entry()].version &+= 1
            defer { state.sessions[sessionID]?.waiters = [:] }
            return Array(state.sessions[sessionID]!.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Every parked long-poll wakes and re-reads: events may have been missed (another node's
    /// announcements while the connection that carries them was down).
    public func wakeAll() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var all: [CheckedContinuation<Void, Never>] = []
            for id in Array(state.sessions.keys) where !(state.sessions[id]?.waiters.isEmpty ?? true) {
                state.sessions[id]!.version &+= 1
                all += state.sessions[id]!.waiters.values
                state.sessions[id]!.waiters = [:]
            }
            return all
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns when the session's version differs from `seen`, after `timeout` seconds, or on
    /// cancellation — whichever comes first. The timeout is a Dispatch timer, not a task.
    public func wait(_ sessionID: String, seen: UInt64, timeout: Double) async {
        let id = UUID()
        state.withLock { _ = $0.inProgress.insert(id) }
        let timer = DispatchWorkItem { [weak self] in self?.fire(sessionID, id) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(min(max(0, timeout), 86_400) * 1000)), execute: timer)
        var registered = false
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                registered = state.withLock { state -> Bool in
                    if state.fired.remove(id) != nil { return false }
                    if (state.sessions[sessionID]?.version ?? 0) != seen { return false }
                    state.sessions[sessionID, default: Entry()].waiters[id] = continuation
                    return true
                }
                if registered { parked.update { $0 += 1 } } else { continuation.resume() }
            }
        } onCancel: {
            fire(sessionID, id)
        }
        timer.cancel()
        state.withLock { state in
            state.inProgress.remove(id)
            state.fired.remove(id)
        }
        if registered { parked.update { $0 -= 1 } }
    }

    /// Ends wait `id`: resumes it when parked, or marks it so that it does not park (a timeout
    /// or cancellation that came first); nothing for a wait that has already returned.
    func fire(_ sessionID: String, _ id: UUID) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.sessions[sessionID]?.waiters.removeValue(forKey: id) { return waiter }
            if state.inProgress.contains(id) { state.fired.insert(id) }
            return nil
        }
        continuation?.resume()
    }

    /// Waiters currently parked (for tests and metrics).
    public var waiterCount: Int { state.withLock { $0.sessions.values.reduce(0) { $0 + $1.waiters.count } } }
}

struct ClosureListener: LiveEventListener {
    let body: @Sendable (LiveEvent) -> Void
    func hear(_ event: LiveEvent) { body(event) }
}
