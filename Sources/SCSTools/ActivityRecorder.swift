public import SCSCore
public import SCSStorage
import Synchronization

/// Records that an authenticated agent called a tool on a session (for get_active_agents), at
/// most one write per agent and session per second.
public final class ActivityRecorder: Sendable {
    let store: any ActivityStore
    let recent = Mutex<[String: Double]>([:])

    public init(store: any ActivityStore) { self.store = store }

    public func record(sessionID: String, agent: AgentIdentity, at now: Double) async {
        guard agent.authenticated else { return }
        let key = sessionID + "\u{0}" + agent.agentID + "\u{0}" + agent.agentType
        let due = recent.withLock { recent -> Bool in
            if let last = recent[key], now - last < 1 { return false }
            if recent.count > 50_000 { recent.removeAll(keepingCapacity: true) }
            recent[key] = now
            return true
        }
        guard due else { return }
        try? await store.recordActivity(sessionID: sessionID, agentID: agent.agentID, agentType: agent.agentType, at: now)
    }
}
