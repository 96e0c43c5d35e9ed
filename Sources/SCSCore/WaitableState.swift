import Dispatch
import Synchronization

/// A value that tasks wait on without polling: `wait(timeout:until:)` suspends until the value
/// passes a test, and each `update` resumes exactly the waiters it satisfies. A timeout resumes a
/// waiter from a Dispatch timer, not a task; a cancellable wait also ends when its task is
/// cancelled. (docs/ARCHITECTURE.md, "Concurrency".)
public final class WaitableState<Value: Sendable>: Sendable {
    private struct Waiter: Sendable {
        let test: @Sendable (Value) -> Bool
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State: Sendable {
        var value: Value
        var waiters: [Int: Waiter] = [:]
        var nextID = 0
    }

    private let state: Mutex<State>

    public init(_ value: Value) { state = Mutex(State(value: value)) }

    public var value: Value { state.withLock { $0.value } }

    /// Tasks waiting right now.
    public var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Changes the value and resumes (with `true`) every waiter whose test the new value passes;
    /// returns what `change` returned.
    @discardableResult
    public func update<Result>(_ change: (inout Value) -> Result) -> Result {
        let (result, ready) = state.withLock { state -> (Result, [CheckedContinuation<Bool, Never>]) in
            let result = change(&state.value)
            guard !state.waiters.isEmpty else { return (result, []) }
            let value = state.value
            var ready: [CheckedContinuation<Bool, Never>] = []
            for (id, waiter) in state.waiters where waiter.test(value) {
                ready.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return (result, ready)
        }
        for continuation in ready { continuation.resume(returning: true) }
        return result
    }

    public func set(_ value: Value) { update { $0 = value } }

    /// True as soon as the value passes `test` (at once when it already does); false when
    /// `timeout` seconds pass first or, when `cancellable`, when the task is cancelled. A wait that
    /// is not cancellable (a bounded shutdown step, say) runs its course in a cancelled task too.
    public func wait(timeout: Double, cancellable: Bool = true, until test: @escaping @Sendable (Value) -> Bool) async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        guard cancellable else { return await suspend(id: id, timeout: timeout, cancellable: false, test: test) }
        return await withTaskCancellationHandler {
            await suspend(id: id, timeout: timeout, cancellable: true, test: test)
        } onCancel: {
            resume(id, with: false)
        }
    }

    private func suspend(id: Int, timeout: Double, cancellable: Bool, test: @escaping @Sendable (Value) -> Bool) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            // Checked and registered under one lock: an update or a cancellation either happened
            // before (seen here) or finds the waiter registered.
            let answer = state.withLock { state -> Bool? in
                if test(state.value) { return true }
                if cancellable && Task.isCancelled { return false }
                state.waiters[id] = Waiter(test: test, continuation: continuation)
                return nil
            }
            if let answer {
                continuation.resume(returning: answer)
                return
            }
            let nanoseconds = Int(min(max(0, timeout), 86_400) * 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [self] in
                resume(id, with: false)
            }
        }
    }

    private func resume(_ id: Int, with answer: Bool) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(returning: answer)
    }
}
