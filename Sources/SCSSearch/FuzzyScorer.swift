/// RapidFuzz `fuzz.partial_ratio` (3.x) on lower-cased text, as the Python server scores messages:
/// the best normalized Indel similarity (0–100) between the shorter string and any of its
/// alignments in the longer one — full-length windows, plus the prefixes and suffixes of the longer
/// string that are shorter than the needle; for equal lengths both directions are tried.
///
/// Create one scorer per query and call `score(_:cutoff:)` for each text; the query's bit masks
/// are built once.
public struct FuzzyScorer {
    /// The lower-cased query as Unicode scalars.
    public let query: [UInt32]
    private let queryPattern: PatternMatchVector
    private var fast: ThresholdScorer?

    public init(query: String) {
        self.query = Self.scalars(query)
        queryPattern = PatternMatchVector(self.query)
        fast = ThresholdScorer(query: self.query, pattern: queryPattern)
    }

    /// The score of a lower-cased text if it reaches `threshold`, else 0 — equal to
    /// `score(_:cutoff:)`, but much faster when most of the text cannot reach the threshold.
    /// - Parameter profile: optional profile of the text, which lets most texts be rejected
    ///   without reading them.
    public func scoreIfAtLeast(_ text: ArraySlice<UInt32>, threshold: Double, profile: TextProfile? = nil) -> Double {
        text.withUnsafeBufferPointer { buffer in
            if let profile { return profile.withView { scoreIfAtLeast(buffer, threshold: threshold, profile: $0) } }
            return scoreIfAtLeast(buffer, threshold: threshold, profile: nil)
        }
    }

    /// The same over text in place (the session index's flat storage). `fullWindows`: see
    /// `withoutOccurrence(queryLength:)`.
    func scoreIfAtLeast(_ text: UnsafeBufferPointer<UInt32>, threshold: Double, profile: ProfileView?, fullWindows: Double = 100) -> Double {
        if text.count > query.count, let fast {
            return fast.score(text, profile: profile, threshold: threshold, fullWindows: fullWindows)
        }
        return score(Array(text)[...], cutoff: threshold)
    }

    /// The best score a full-length window can reach in a text that does not contain the query:
    /// its LCS is at most m − 1, so 2(m − 1)/2m (92.3 for 13 characters). Windows shorter than the
    /// query, at the ends of a text, can still score more (up to 2(m − 1)/(2m − 1)).
    static func withoutOccurrence(queryLength m: Int) -> Double { ratio(patternLength: m, length: m, lcs: m - 1) }

    /// Lower-cases (Python `str.lower()`) and splits into Unicode scalars.
    public static func scalars(_ text: String) -> [UInt32] {
        PythonLowercase.lowercased(text).unicodeScalars.map(\.value)
    }

    /// The score of an already lower-cased text (see `scalars(_:)`); scores below `cutoff` are 0.
    public func score(_ text: [UInt32], cutoff: Double = 0) -> Double { score(text[...], cutoff: cutoff) }

    public func score(_ text: ArraySlice<UInt32>, cutoff: Double = 0) -> Double {
        let result: Double
        if query.count <= text.count {
            result = Self.partialRatio(needle: query[...], pattern: queryPattern, haystack: text, cutoff: cutoff)
        } else {
            result = Self.partialRatio(needle: text, pattern: nil, haystack: query[...], cutoff: cutoff)
        }
        return result >= cutoff ? result : 0
    }

    /// `fuzz.partial_ratio(a, b)` on strings that are already as they should be compared.
    public static func partialRatio(_ a: [UInt32], _ b: [UInt32], cutoff: Double = 0) -> Double {
        let result = a.count <= b.count
            ? partialRatio(needle: a[...], pattern: nil, haystack: b[...], cutoff: cutoff)
            : partialRatio(needle: b[...], pattern: nil, haystack: a[...], cutoff: cutoff)
        return result >= cutoff ? result : 0
    }

    static func partialRatio(
        needle: ArraySlice<UInt32>, pattern: PatternMatchVector?, haystack: ArraySlice<UInt32>, cutoff: Double
    ) -> Double {
        if needle.isEmpty || haystack.isEmpty { return needle.isEmpty && haystack.isEmpty ? 100 : 0 }
        if cutoff > 100 { return 0 }
        let pattern = pattern ?? PatternMatchVector(needle)
        var best = alignments(pattern: pattern, haystack: haystack, cutoff: cutoff)
        if best != 100 && needle.count == haystack.count {
            let swapped = alignments(pattern: PatternMatchVector(haystack), haystack: needle, cutoff: max(cutoff, best))
            best = max(best, swapped)
        }
        return best
    }

    /// Normalized Indel similarity × 100 of the pattern against a window of `length` with `lcs`,
    /// computed exactly as RapidFuzz does (`(1 - dist / max) * 100`), so equal scores tie bit for bit.
    @inline(__always)
    static func ratio(patternLength: Int, length: Int, lcs: Int) -> Double {
        let total = patternLength + length
        guard total > 0 else { return 100 }
        return (1.0 - Double(total - 2 * lcs) / Double(total)) * 100
    }

    /// The best alignment score of the needle (as `pattern`) in `haystack` (not shorter).
    static func alignments(pattern: PatternMatchVector, haystack: ArraySlice<UInt32>, cutoff: Double) -> Double {
        let len1 = pattern.length
        let len2 = haystack.count
        let base = haystack.startIndex
        var best = 0.0
        if len2 > len1 {
            best = bestFullWindow(pattern: pattern, haystack: haystack, cutoff: cutoff)
            if best == 100 { return 100 }
        }
        // Prefixes shorter than the needle (only those ending on a needle character can win).
        if len1 > 1 {
            for i in 1..<len1 where pattern.contains(haystack[base + i - 1]) {
                // Upper bound: every character of the prefix matches.
                if ratio(patternLength: len1, length: i, lcs: i) <= best { continue }
                let score = ratio(patternLength: len1, length: i, lcs: pattern.lcs(haystack[base..<(base + i)]))
                if score > best && score >= cutoff {
                    best = score
                    if best == 100 { return 100 }
                }
            }
        }
        // Suffixes no longer than the needle (only those starting on a needle character can win).
        for i in (len2 - len1)..<len2 where pattern.contains(haystack[base + i]) {
            let length = len2 - i
            if ratio(patternLength: len1, length: length, lcs: min(length, len1)) <= best { continue }
            let score = ratio(patternLength: len1, length: length, lcs: pattern.lcs(haystack[(base + i)...]))
            if score > best && score >= cutoff {
                best = score
                if best == 100 { return 100 }
            }
        }
        return best
    }

    /// The best full-length window, searched like RapidFuzz: score both ends of a range of start
    /// positions and split it only while a better distance is still possible (moving a window by
    /// one changes its Indel distance by at most two, so the bound never skips a better window).
    static func bestFullWindow(pattern: PatternMatchVector, haystack: ArraySlice<UInt32>, cutoff: Double) -> Double {
        let len1 = pattern.length
        let count = haystack.count - len1
        let base = haystack.startIndex
        let maximum = 2 * len1
        var cutoffDistance = Int((Double(maximum) * min(1.0, 1.0 - cutoff / 100 + 0.00001)).rounded(.up))
        var bestDistance = Int.max
        var distances = [Int](repeating: -1, count: count)
        func distance(_ start: Int) -> Int {
            if distances[start] < 0 {
                let lcs = pattern.lcs(haystack[(base + start)..<(base + start + len1)])
                distances[start] = maximum - 2 * lcs
            }
            return distances[start]
        }
        var windows = [(0, count - 1)]
        var next: [(Int, Int)] = []
        while !windows.isEmpty {
            for (first, last) in windows {
                for start in [first, last] {
                    let d = distance(start)
                    if d < cutoffDistance {
                        cutoffDistance = d
                        bestDistance = d
                        if d == 0 { return 100 }
                    }
                }
                let cells = last - first
                if cells <= 1 { continue }
                let known = abs(distances[first] - distances[last])
                let minimum = min(distances[first], distances[last]) - (cells + known / 2)
                if minimum < cutoffDistance {
                    let center = cells / 2
                    next.append((first, first + center))
                    next.append((first + center, last))
                }
            }
            swap(&windows, &next)
            next.removeAll(keepingCapacity: true)
        }
        guard bestDistance != Int.max else { return 0 }
        let score = (1.0 - Double(bestDistance) / Double(maximum)) * 100
        return score >= cutoff ? score : 0
    }
}
