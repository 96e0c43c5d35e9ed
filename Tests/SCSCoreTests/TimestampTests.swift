import SCSCore
import Testing

@Suite("Timestamps")
struct TimestampTests {
    @Test("ISO text like Python's isoformat (microseconds omitted when zero)")
    func format() {
        #expect(Timestamp.iso(0) == "1970-01-01T00:00:00+00:00")
        #expect(Timestamp.iso(1_764_096_937.842403) == "2025-11-25T18:55:37.842403+00:00")
        #expect(Timestamp.iso(951_782_400) == "2000-02-29T00:00:00+00:00")
        #expect(Timestamp.iso(-1) == "1969-12-31T23:59:59+00:00")
        #expect(Timestamp.iso(1.9999999) == "1970-01-01T00:00:02+00:00")
    }

    @Test("parses the forms Python's fromisoformat accepts", arguments: [
        ("2025-11-25T18:55:37.842403+00:00", 1_764_096_937.842403),
        ("2025-11-25T18:55:37Z", 1_764_096_937),
        ("2025-11-25 18:55:37", 1_764_096_937),
        ("2025-11-25T20:55:37+02:00", 1_764_096_937),
        ("2025-11-25T18:55", 1_764_096_900),
        ("2025-11-25", 1_764_028_800),
        ("2025-11-25T13:55:37-0500", 1_764_096_937),
    ])
    func parse(_ text: String, _ expected: Double) throws {
        let parsed = try #require(Timestamp.parseISO(text))
        #expect(abs(parsed - expected) < 0.000_001)
    }

    @Test("rejects malformed dates", arguments: ["", "2025", "2025-13-01", "2025-02-30", "2025-11-25T25:00", "yesterday", "2025-11-25T10:00+", "2025-11-25X"])
    func reject(_ text: String) {
        #expect(Timestamp.parseISO(text) == nil)
    }

    @Test("the manual clock wakes sleepers only when time passes their deadline")
    func manualClock() async throws {
        let clock = ManualClock(start: 100)
        let woke = try await withThrowingTaskGroup(of: Double.self) { group in
            group.addTask {
                try await clock.sleep(seconds: 10)
                return clock.now()
            }
            while clock.sleeperCount == 0 { await Task.yield() }
            clock.advance(by: 5)
            #expect(clock.sleeperCount == 1)
            clock.advance(by: 5)
            return try await group.next()!
        }
        #expect(woke == 110)
    }
}
