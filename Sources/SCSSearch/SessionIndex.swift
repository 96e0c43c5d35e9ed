import SCSCore
import SCSStorage

/// The in-memory index of one session. Every search first catches up with storage (new messages
/// and visibility changes, read in one transaction), so no committed message is ever missing and
/// no changed visibility is ever stale.
actor SessionIndex {
    let sessionID: String
    private(set) var texts = SessionTexts()
    private var lastMessageID: Int64 = 0
    private var lastChangeID: Int64 = 0
    private var positions: [Int64: Int] = [:]

    init(sessionID: String) { self.sessionID = sessionID }

    /// Brings the index up to date and returns it (a copy-on-write snapshot).
    func current(from storage: any MessageStore, batch: Int = 5_000) async throws -> SessionTexts {
        while true {
            let delta = try await storage.searchDelta(
                sessionID: sessionID, afterMessageID: lastMessageID, afterChangeID: lastChangeID, limit: batch
            )
            for message in delta.changed {
                if let position = positions[message.id] { texts.setVisibility(message.visibility, at: position) }
            }
            lastChangeID = delta.lastChangeID
            for message in delta.messages where positions[message.id] == nil {
                positions[message.id] = texts.count
                texts.append(message)
                lastMessageID = max(lastMessageID, message.id)
            }
            if delta.messages.count < batch { break }
        }
        return texts
    }

    var count: Int { texts.count }
}
