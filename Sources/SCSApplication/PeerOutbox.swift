import DequeModule

/// What this node has yet to announce to the others, as a pure state machine (docs/POSTGRESQL.md,
/// "Live events across nodes"): events queue in order and the oldest are dropped (and counted)
/// past `limit`; announcements that end a credential somewhere (revocations, refreshes, logouts)
/// have their own queue, go first, are never dropped for room and are put back when their send
/// fails; a batch takes as many as fit one announcement. `PeerEventRelay` keeps it under a lock
/// and does the sending; tests check it as a value.
struct PeerOutbox: Sendable {
    /// One announcement's worth: the texts taken, and which of them were urgent (to put back).
    struct Batch: Sendable, Equatable {
        var texts: [String]
        var urgent: [String]
    }

    let limit: Int
    let urgentLimit: Int
    private(set) var pending = Deque<String>()
    private(set) var urgent = Deque<String>()
    /// Events dropped for room since the last batch was taken.
    private(set) var dropped = 0

    init(limit: Int, urgentLimit: Int) {
        self.limit = limit
        self.urgentLimit = urgentLimit
    }

    var count: Int { pending.count + urgent.count }
    var isEmpty: Bool { pending.isEmpty && urgent.isEmpty }

    mutating func enqueue(_ text: String, urgent isUrgent: Bool) {
        if isUrgent {
            if urgent.count >= urgentLimit { urgent.removeFirst() }
            urgent.append(text)
            return
        }
        if pending.count >= limit {
            pending.removeFirst()
            dropped += 1
        }
        pending.append(text)
    }

    /// The oldest texts that fit `room` bytes (joined by commas): urgent ones first, the others
    /// only once no urgent one is left. A single text larger than the room is dropped (ids are
    /// bounded: never). Nil when nothing is queued; the count dropped for room is handed over once.
    mutating func nextBatch(room: Int) -> (batch: Batch, dropped: Int)? {
        var taken: [String] = []
        var bytes = 0
        func take(_ queue: inout Deque<String>) -> Int {
            var used = 0
            for text in queue {
                if text.utf8.count + bytes + 1 > room {
                    if taken.isEmpty && used == 0 { used += 1 }
                    break
                }
                taken.append(text)
                bytes += text.utf8.count + 1
                used += 1
            }
            queue.removeFirst(used)
            return used
        }
        while taken.isEmpty, !isEmpty {
            let urgentCount = take(&urgent)
            let batchUrgent = Array(taken.prefix(urgentCount))
            if urgent.isEmpty { _ = take(&pending) }
            if !taken.isEmpty {
                defer { dropped = 0 }
                return (Batch(texts: taken, urgent: batchUrgent), dropped)
            }
        }
        return nil
    }

    /// A send failed: its urgent texts go back to the front, in order.
    mutating func putBack(_ batch: Batch) {
        urgent.insert(contentsOf: batch.urgent, at: 0)
    }
}
