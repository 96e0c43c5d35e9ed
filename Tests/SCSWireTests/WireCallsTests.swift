import SCSWire
import Testing

/// The wire client's calls as values: every call is completed once, and a closed connection starts none.
@Suite("A worker connection's calls (WireCalls)")
struct WireCallsTests {
    @Test("ids follow one another; an answer ends its call once, a late second answer finds nothing")
    func answeredOnce() {
        var calls = WireCalls<String>()
        let first = calls.begin("a"), second = calls.begin("b")
        #expect(first == 1 && second == 2 && calls.inFlight == 2)
        #expect(calls.end(2) == "b")
        #expect(calls.end(2) == nil)  // the deadline firing after the answer
        #expect(calls.inFlight == 1 && !calls.closed)
    }

    @Test("closing fails every call in flight, and no call starts after")
    func close() {
        var calls = WireCalls<String>()
        _ = calls.begin("a")
        _ = calls.begin("b")
        #expect(Set(calls.close()) == ["a", "b"])
        #expect(calls.closed && calls.inFlight == 0)
        #expect(calls.begin("c") == nil)
        #expect(calls.close().isEmpty)
    }
}
