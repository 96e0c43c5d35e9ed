import SCSCore
import Testing
import OrderedCollections

@testable import SCSSearch

/// The fast path's bounds (character counts, query bigrams, top-k thresholds) must never change a
/// result: every case here is checked against the plain scorer or a brute-force ranking.
@Suite("Threshold bounds")
struct ThresholdBoundsTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func text(_ alphabet: [Character], _ count: Int, _ generator: inout Generator) -> String {
        String((0..<count).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static let alphabets: [[Character]] = [Array("ab"), Array("abc d"), Array("abcdefgh "), Array("aé ñb")]

    @Test("the fast path equals the plain scorer at any threshold, including just above each score")
    func fastPathIsExact() async {
        var generator = Generator(state: 42)
        var checked = 0
        for round in 0..<1_500 {
            // CPU-bound: give the few cooperative threads back now and then (tests run in parallel).
            if round % 16 == 0 { await Task.yield() }
            let alphabet = Self.alphabets[round % Self.alphabets.count]
            let query = Self.text(alphabet, Int.random(in: 1...12, using: &generator), &generator)
            let text = Self.text(alphabet, Int.random(in: 1...60, using: &generator), &generator)
            let scorer = FuzzyScorer(query: query)
            let scalars = FuzzyScorer.scalars(text)
            let full = scorer.score(scalars)
            let profile = TextProfile(scalars[...])
            for threshold in [0, 50, 66.6, 66.7, 70, 75, 80, 85, 90, 95, 99, 100, full, full.nextUp, full.nextDown] {
                let expected = full >= threshold ? full : 0
                let fast = scorer.scoreIfAtLeast(scalars[...], threshold: threshold, profile: profile)
                #expect(fast == expected, "q=\(query.debugDescription) t=\(text.debugDescription) threshold \(threshold)")
                checked += 1
            }
        }
        #expect(checked == 1_500 * 15)
    }

    @Test("a window reaching a score holds at least requiredBigrams of the query's bigrams")
    func bigramLemma() throws {
        var generator = Generator(state: 7)
        for round in 0..<400 {
            let alphabet = Self.alphabets[round % 3]
            let query = FuzzyScorer.scalars(Self.text(alphabet, Int.random(in: 2...10, using: &generator), &generator))
            let text = FuzzyScorer.scalars(Self.text(alphabet, 24, &generator))
            let pattern = PatternMatchVector(query)
            let scorer = try #require(ThresholdScorer(query: query, pattern: pattern))
            let slots = Set(zip(query, query.dropFirst()).map { TextProfile.bigramSlot($0, $1) })
            for start in 0..<text.count {
                for length in 1...min(query.count, text.count - start) {
                    let window = Array(text[start..<(start + length)])
                    let score = FuzzyScorer.ratio(patternLength: query.count, length: length, lcs: pattern.lcs(window[...]))
                    let held = zip(window, window.dropFirst()).filter { slots.contains(TextProfile.bigramSlot($0, $1)) }.count
                    #expect(held >= scorer.requiredBigrams(threshold: score), "q=\(query) window=\(window) score \(score)")
                }
            }
        }
    }

    /// `count` messages of 1…`upTo` random `words` from three senders; every `privateEvery`-th private.
    static func randomSession(
        _ count: Int, words: [String], upTo: Int, privateEvery: Int, using generator: inout Generator
    ) -> SessionTexts {
        var texts = SessionTexts()
        for id in 0..<count {
            let content = (0..<Int.random(in: 1...upTo, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                .joined(separator: " ")
            texts.append(Message(
                id: Int64(id + 1), sessionID: "s", sender: "agent-\(id % 3)", senderType: "claude",
                content: content, visibility: id % privateEvery == 0 ? .private : .public, timestamp: Double(id)))
        }
        return texts
    }

    @Test("top-k scanning ranks exactly like scoring everything and sorting (ties: newest first)")
    func topHitsMatchBruteForce() async {
        var generator = Generator(state: 99)
        let words = ["cache", "worker", "search", "index", "token", "cach", "wroker", "a", "index cache"]
        for round in 0..<40 {
            let texts = Self.randomSession(300, words: words, upTo: 6, privateEvery: 7, using: &generator)
            let query = words.randomElement(using: &generator)! + (round % 2 == 0 ? "" : " worker")
            for limit in [0, 1, 3, 10, 50] {
                await Task.yield()
                for threshold in [0.0, 60, 80, 95] {
                    let request = SearchQuery(
                        sessionID: "s", query: query, reader: SearchServiceTests.bob, threshold: threshold, limit: limit)
                    let (candidates, top) = SearchService.score(texts, 0..<texts.count, request)
                    let ranked = SearchService.best(top, limit: limit)
                    // Brute force: score every visible message with the plain scorer.
                    let scorer = FuzzyScorer(query: query)
                    var all: [SearchService.RankedHit] = []
                    var visible = 0
                    for position in 0..<texts.count where texts.isCandidate(position, for: request.reader, scope: .all) {
                        visible += 1
                        let message = texts.messages[position]
                        let score = scorer.score(FuzzyScorer.scalars(message.sender + " " + message.content), cutoff: threshold)
                        if score >= threshold { all.append(SearchService.RankedHit(position: position, score: score)) }
                    }
                    let expected = SearchService.best(all, limit: limit)
                    #expect(candidates == visible)
                    #expect(ranked.map(\.position) == expected.map(\.position), "q=\(query) limit \(limit) threshold \(threshold)")
                    #expect(ranked.map(\.score) == expected.map(\.score))
                }
            }
        }
    }

    @Test("parallel slices sharing their floors rank exactly like one slice (ties: newest first)")
    func slicesMatchOneSlice() async {
        var generator = Generator(state: 7)
        // Few distinct words: many equal scores, so the tie rule across slices is exercised.
        let words = ["cache", "worker", "cach", "wroker", "index cache", "a"]
        for round in 0..<12 {
            let texts = Self.randomSession(400, words: words, upTo: 4, privateEvery: 5, using: &generator)
            let query = words.randomElement(using: &generator)! + (round % 2 == 0 ? "" : " worker")
            for limit in [1, 3, 10] {
                for threshold in [0.0, 70, 90] {
                    let request = SearchQuery(sessionID: "s", query: query, reader: SearchServiceTests.bob, threshold: threshold, limit: limit)
                    let (candidates, top) = SearchService.score(texts, 0..<texts.count, request)
                    let expected = SearchService.best(top, limit: limit)
                    for slices in [2, 3, 7] {
                        let (sliced, ranked) = await SearchService.rank(texts, request, slices: slices)
                        #expect(sliced == candidates)
                        #expect(ranked.map(\.position) == expected.map(\.position), "q=\(query) limit \(limit) t \(threshold) slices \(slices)")
                        #expect(ranked.map(\.score) == expected.map(\.score))
                    }
                }
            }
        }
    }

    @Test("the exact-occurrence lookup (memmem) and its full-window bound answer exactly like scoring every message")
    func exactShortcutMatchesScan() async {
        var generator = Generator(state: 2_024)
        let words = ["cache", "worker", "search", "cach", "a", "x a", "index"]
        let senders = ["x", "bo", "agent-1"]  // "x a" texts are shorter than most queries and inside some
        for round in 0..<36 {
            var texts = SessionTexts()
            for id in 0..<300 {
                let content = (0..<Int.random(in: 1...4, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                    .joined(separator: " ")
                let metadata: JSONObject? = id % 4 == 0 ? ["note": .string(words.randomElement(using: &generator)! + " worker")] : nil
                texts.append(Message(
                    id: Int64(id + 1), sessionID: "s", sender: senders[id % 3], senderType: "claude", content: content,
                    visibility: id % 5 == 0 ? .private : .public, metadata: metadata, timestamp: Double(id)))
            }
            // Some occur in many texts, some in a few, some (typos) in none: then no full window of
            // any text scores above 2(m - 1)/2m and only the texts' ends are scored past that.
            let queries = ["cache worker", "x a cache", "a", "search cache worker", "worker worker", "x a", "cache index",
                           "cach worker", "serch", "wroker cache", "index searc", "x a cach worker"]
            let query = queries[round % queries.count]
            for limit in [1, 3, 10, 40] {
                await Task.yield()
                for threshold in [0.0, 60, 100] {
                    for metadata in [true, false] {
                        for reader in [SearchServiceTests.bob, Self.admin] {
                            let request = SearchQuery(
                                sessionID: "s", query: query, reader: reader, threshold: threshold, limit: limit,
                                searchMetadata: metadata, scope: round % 2 == 0 ? .all : .public)
                            let (candidates, top) = SearchService.score(texts, 0..<texts.count, request)
                            let expected = SearchService.best(top, limit: limit)
                            let (shortcut, ranked) = await SearchService.rank(texts, request, slices: 1)
                            #expect(shortcut == candidates)
                            #expect(ranked.map(\.position) == expected.map(\.position), "q=\(query) limit \(limit) t \(threshold) m \(metadata)")
                            #expect(ranked.map(\.score) == expected.map(\.score))
                        }
                    }
                }
            }
        }
    }

    static let admin = AgentIdentity(agentID: "root", agentType: "admin", permissions: [.read, .write, .admin])
}
