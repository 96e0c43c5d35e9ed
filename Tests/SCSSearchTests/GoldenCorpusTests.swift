import Foundation
import SCSCore
@testable import SCSSearch
import Testing

/// Compares the scorer with RapidFuzz 3.13 on the committed corpus made by `scripts/gen-golden-search`.
@Suite("Fuzzy scores match RapidFuzz partial_ratio (golden corpus)")
struct GoldenCorpusTests {
    static let corpus: JSONValue = {
        let url = Bundle.module.url(forResource: "golden-partial-ratio", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONValue.parse(Array(try! Data(contentsOf: url)))
    }()

    @Test("every pair within ±0.01, and Python's lower-casing reproduced")
    func pairs() async throws {
        let pairs = try #require(Self.corpus["pairs"]?.arrayValue)
        #expect(pairs.count > 2_000)
        var mismatches: [String] = []
        var kinds: [String: Int] = [:]
        for (index, pair) in pairs.enumerated() {
            // CPU-bound: give the few cooperative threads back now and then (tests run in parallel).
            if index % 64 == 0 { await Task.yield() }
            let query = pair["query"]!.stringValue!, text = pair["text"]!.stringValue!
            let expected = pair["score"]!.doubleValue!
            kinds[pair["kind"]!.stringValue!, default: 0] += 1
            #expect(PythonLowercase.lowercased(query) == pair["lower_query"]!.stringValue!)
            #expect(PythonLowercase.lowercased(text) == pair["lower_text"]!.stringValue!)
            let scorer = FuzzyScorer(query: query)
            let lowered = FuzzyScorer.scalars(text)
            let score = scorer.score(lowered)
            let fast = scorer.scoreIfAtLeast(lowered[...], threshold: 0)
            let symmetric = FuzzyScorer.partialRatio(FuzzyScorer.scalars(text), FuzzyScorer.scalars(query))
            if abs(score - expected) > 0.01 || abs(symmetric - expected) > 0.01 || abs(fast - expected) > 0.01 {
                mismatches.append("\(pair["kind"]!) q=\(query.debugDescription) t=\(text.prefix(80).debugDescription) expected \(expected) got \(score)/\(symmetric)/\(fast)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
        #expect(kinds.keys.count >= 8)
    }

    @Test("cutoff: scores below it are 0, at or above it unchanged")
    func cutoff() async throws {
        let pairs = try #require(Self.corpus["pairs"]?.arrayValue)
        for (index, pair) in pairs.enumerated() {
            if index % 16 == 0 { await Task.yield() }
            let expected = pair["score"]!.doubleValue!
            let scorer = FuzzyScorer(query: pair["query"]!.stringValue!)
            let text = FuzzyScorer.scalars(pair["text"]!.stringValue!)
            for cutoff in [0.0, 60, 80, 100] {
                let profile = TextProfile(text[...])
                for score in [
                    scorer.score(text, cutoff: cutoff), scorer.scoreIfAtLeast(text[...], threshold: cutoff),
                    scorer.scoreIfAtLeast(text[...], threshold: cutoff, profile: profile),
                ] {
                    if expected >= cutoff + 0.01 { #expect(abs(score - expected) <= 0.01) }
                    if expected < cutoff - 0.01 { #expect(score == 0) }
                }
            }
        }
    }
}
