@testable import SCSSearch
import Testing

@Suite("The pattern table is sparse: memory linear in the query, LCS unchanged")
struct SparsePatternTests {
    /// Textbook dynamic-programming LCS.
    static func reference(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var row = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var diagonal = 0
            for (j, y) in b.enumerated() {
                let up = row[j + 1]
                row[j + 1] = x == y ? diagonal + 1 : max(row[j + 1], row[j])
                diagonal = up
            }
        }
        return row[b.count]
    }

    @Test("LCS equals the textbook one for multi-word patterns of ASCII, BMP and astral scalars")
    func lcsMatchesReference() {
        var generator = SystemRandomNumberGenerator()
        let alphabets: [[UInt32]] = [[97, 98, 99], [97, 0x20AC, 0x1F680, 0x10000], Array(0x10000..<0x10040)]
        for round in 0..<120 {
            let alphabet = alphabets[round % alphabets.count]
            let pattern = (0..<Int.random(in: 1...300, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let text = (0..<Int.random(in: 0...300, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(PatternMatchVector(pattern).lcs(text[...]) == Self.reference(pattern, text), "round \(round)")
        }
    }

    @Test("distinct astral scalars cost bytes linear in the length, not distinct x length")
    func memoryIsLinear() {
        for length in [1_000, 16_000, 64_000] {
            let pattern = (0..<length).map { UInt32(0x10000 + $0) }
            let bytes = PatternMatchVector(pattern).tableBytes
            #expect(bytes < length * 80, "\(length) scalars: \(bytes) bytes")
        }
    }
}
