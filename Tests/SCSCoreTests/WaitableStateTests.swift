import SCSCore
import Testing

@Suite("WaitableState: waits resumed by the change they wait for")
struct WaitableStateTests {
    @Test("a wait that already holds returns at once; an update resumes exactly the waiters it satisfies")
    func updateResumesMatchingWaiters() async {
        let state = WaitableState(0)
        #expect(await state.wait(timeout: 10) { $0 == 0 })
        async let three = state.wait(timeout: 10) { $0 >= 3 }
        async let one = state.wait(timeout: 10) { $0 >= 1 }
        while state.waiterCount < 2 { await Task.yield() }
        state.set(1)
        #expect(await one)
        #expect(state.waiterCount == 1)
        state.update { $0 += 2 }
        #expect(await three)
        #expect(state.waiterCount == 0)
    }

    @Test("a wait that never holds ends false at its timeout and leaves no waiter behind")
    func timeoutEndsTheWait() async {
        let state = WaitableState("idle")
        #expect(await state.wait(timeout: 0.05) { $0 == "ready" } == false)
        #expect(state.waiterCount == 0)
    }

    @Test("cancellation ends a cancellable wait at once; a wait that is not cancellable runs to its change")
    func cancellation() async {
        let state = WaitableState(false)
        let cancellable = Task { await state.wait(timeout: 60) { $0 } }
        while state.waiterCount < 1 { await Task.yield() }
        cancellable.cancel()
        #expect(await cancellable.value == false)
        #expect(state.waiterCount == 0)

        let bounded = Task { await state.wait(timeout: 60, cancellable: false) { $0 } }
        while state.waiterCount < 1 { await Task.yield() }
        bounded.cancel()
        try? await Task.sleep(for: .milliseconds(20))
        #expect(state.waiterCount == 1)
        state.set(true)
        #expect(await bounded.value)
    }
}
