/// The calls of one worker connection, as a pure state machine (the wire client's only state):
/// each call takes the next id, is answered at most once — by its answer, its deadline, a failed
/// write, or the connection closing — and once closed no call starts. `WireClient` keeps it in a
/// `WaitableState`, so that a drain or the slot's watch waits on it directly; tests check it as a value.
public struct WireCalls<Pending: Sendable>: Sendable {
    public private(set) var nextID: Int64 = 0
    public private(set) var pending: [Int64: Pending] = [:]
    public private(set) var closed = false

    public init() {}

    /// Calls waiting for an answer.
    public var inFlight: Int { pending.count }

    /// A new call's id; nil once the connection has closed.
    public mutating func begin(_ call: Pending) -> Int64? {
        guard !closed else { return nil }
        nextID += 1
        pending[nextID] = call
        return nextID
    }

    /// The call `id` ends (answered, timed out, or its write failed): what to complete, unless
    /// something else completed it first.
    public mutating func end(_ id: Int64) -> Pending? { pending.removeValue(forKey: id) }

    /// The connection closed: every call still waiting fails, and none starts again.
    public mutating func close() -> [Pending] {
        closed = true
        defer { pending.removeAll() }
        return Array(pending.values)
    }
}
