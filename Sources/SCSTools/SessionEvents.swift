import Foundation
import Synchronization

/// Wakes `wait_for_messages` long-polls when a message is added to their session: a version
/// counter per session and the continuations of the waiting calls (no polling loop).
public final class SessionEvents: Sendable {
    struct Entry {
        var version: UInt64 = 0
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    struct State {
        var sessions: [String: Entry] = [:]
        /// Waiters whose timeout or cancellation fired before they registered.
        var fired: Set<UUID> = []
    }

    let state = Mutex(State())
    /// Long-polls in progress per agent id.
    let polls = Mutex<[String: Int]>([:])
    /// Most concurrent long-polls one agent may hold (`wait_for_messages` past it: LIMIT_REACHED).
    public let maxPollsPerAgent: Int

    public init(maxPollsPerAgent: Int = 16) { self.maxPollsPerAgent = maxPollsPerAgent }

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

    /// A message was committed to `sessionID`: every waiter wakes and re-reads.
    public func messageAdded(_ sessionID: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.sessions[sessionID, default: Entry()].version &+= 1
            defer { state.sessions[sessionID]?.waiters = [:] }
            return Array(state.sessions[sessionID]!.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns when the session's version differs from `seen`, after `timeout` seconds, or on
    /// cancellation — whichever comes first.
    public func wait(_ sessionID: String, seen: UInt64, timeout: Double) async {
        let id = UUID()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int64(max(0, timeout) * 1000)))
            self?.fire(sessionID, id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    if state.fired.remove(id) != nil { return false }
                    if (state.sessions[sessionID]?.version ?? 0) != seen { return false }
                    state.sessions[sessionID, default: Entry()].waiters[id] = continuation
                    return true
                }
                if !registered { continuation.resume() }
            }
        } onCancel: {
            fire(sessionID, id)
        }
        timer.cancel()
        state.withLock { _ = $0.fired.remove(id) }
    }

    func fire(_ sessionID: String, _ id: UUID) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.sessions[sessionID]?.waiters.removeValue(forKey: id) { return waiter }
            state.fired.insert(id)
            return nil
        }
        continuation?.resume()
    }

    /// Waiters currently parked (for tests and metrics).
    public var waiterCount: Int { state.withLock { $0.sessions.values.reduce(0) { $0 + $1.waiters.count } } }
}
