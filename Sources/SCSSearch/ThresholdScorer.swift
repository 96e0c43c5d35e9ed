/// The scorer's fast path for the usual case — a query of at most 64 characters that is shorter
/// than the text — when only scores at or above a threshold matter.
///
/// Exact: it returns the same score as the full search whenever that score reaches `threshold`
/// (and 0 otherwise). A window is only scored when an upper bound of its LCS — the sum over the
/// query's characters of min(count in the window, count in the query), kept in a sliding window —
/// can still beat both the threshold and the best score so far.
///
/// Scratch memory is owned here and reused across the texts of one search (one instance per
/// search; not shared between tasks).
final class ThresholdScorer {
    let length: Int
    let pattern: PatternMatchVector
    /// Dense index (0..<distinct) of each ASCII query character, -1 elsewhere.
    private let asciiIndex: UnsafeMutablePointer<Int16>
    private let otherIndex: [UInt32: Int16]
    /// How often each distinct character occurs in the query, and the current window's counts.
    private let needed: UnsafeMutablePointer<Int32>
    private let counts: UnsafeMutablePointer<Int32>
    private let distinct: Int
    /// The query's distinct ASCII characters with their counts (the whole-text bound loops over
    /// these, not over all 128 slots), and the total count of its non-ASCII characters.
    private let asciiNeeds: [(scalar: Int, needed: Int)]
    private let otherNeeded: Int

    init?(query: [UInt32], pattern: PatternMatchVector) {
        guard !query.isEmpty, query.count <= 64 else { return nil }
        length = query.count
        self.pattern = pattern
        asciiIndex = .allocate(capacity: 128)
        asciiIndex.initialize(repeating: -1, count: 128)
        var other: [UInt32: Int16] = [:]
        var needed: [Int32] = []
        for scalar in query {
            let existing: Int16? = scalar < 128 ? (asciiIndex[Int(scalar)] >= 0 ? asciiIndex[Int(scalar)] : nil) : other[scalar]
            if let existing {
                needed[Int(existing)] += 1
            } else {
                let index = Int16(needed.count)
                if scalar < 128 { asciiIndex[Int(scalar)] = index } else { other[scalar] = index }
                needed.append(1)
            }
        }
        otherIndex = other
        distinct = needed.count
        // Slot `distinct` is the sentinel for characters not in the query: it needs 0, so it never
        // raises a bound, and the sliding updates need no branch.
        for index in 0..<128 where asciiIndex[index] < 0 { asciiIndex[index] = Int16(distinct) }
        self.needed = .allocate(capacity: distinct + 1)
        self.needed.initialize(from: needed + [0], count: distinct + 1)
        counts = .allocate(capacity: distinct + 1)
        var needs: [(scalar: Int, needed: Int)] = []
        for scalar in 0..<128 where asciiIndex[scalar] < Int16(distinct) { needs.append((scalar, Int(needed[Int(asciiIndex[scalar])]))) }
        asciiNeeds = needs
        otherNeeded = other.values.reduce(0) { $0 + Int(needed[Int($1)]) }
    }

    deinit {
        asciiIndex.deallocate()
        needed.deallocate()
        counts.deallocate()
    }

    /// An upper bound of any window's LCS from the text's ASCII character counts (`histogram`,
    /// 128 saturating counts): the sum over query characters of min(count in text, count in query).
    func wholeTextBound(_ histogram: [UInt8]) -> Int {
        var total = otherNeeded  // non-ASCII query characters: assume present
        histogram.withUnsafeBufferPointer { counts in
            for need in asciiNeeds { total += min(Int(counts[need.scalar]), need.needed) }
        }
        return total
    }

    /// The score of `text` (longer than the query) if it reaches `threshold`, else 0.
    func score(_ text: ArraySlice<UInt32>, histogram: [UInt8]?, threshold: Double) -> Double {
        if let histogram {
            let total = wholeTextBound(histogram)
            // No window can hold more than `total` matches: best possible ratio 2T/(m+T).
            if total == 0 || Self.ratio(length, total, total) < threshold { return 0 }
        }
        return text.withUnsafeBufferPointer { score($0, threshold: threshold) }
    }

    private func score(_ text: UnsafeBufferPointer<UInt32>, threshold: Double) -> Double {
        let m = length
        let n = text.count
        let counts = self.counts, needed = self.needed, ascii = asciiIndex
        let sentinel = Int16(distinct)
        let other = otherIndex
        let hasOther = !other.isEmpty
        @inline(__always) func code(_ position: Int) -> Int16 {
            let scalar = text[position]
            if scalar < 128 { return ascii[Int(scalar)] }
            return hasOther ? (other[scalar] ?? sentinel) : sentinel
        }
        var best = 0.0

        @inline(__always) func add(_ c: Int16, _ bound: inout Int) {
            let index = Int(c)
            bound &+= counts[index] < needed[index] ? 1 : 0
            counts[index] &+= 1
        }
        @inline(__always) func remove(_ c: Int16, _ bound: inout Int) {
            let index = Int(c)
            counts[index] &-= 1
            bound &-= counts[index] < needed[index] ? 1 : 0
        }
        /// Scores one window if its bound can still win; true when it scored 100.
        @inline(__always) func consider(start: Int, count: Int, bound: Int) -> Bool {
            let upper = Self.ratio(m, count, bound)
            if upper < threshold || upper <= best { return false }
            let score = Self.ratio(m, count, pattern.lcs(UnsafeBufferPointer(rebasing: text[start..<(start + count)])))
            if score > best { best = score }
            return best == 100
        }

        /// The smallest LCS of a full window whose score reaches the threshold and beats `best`
        /// (m + 1 when none can): an integer compare per window instead of a division.
        func minimumFullLCS() -> Int {
            var lcs = 0
            while lcs <= m {
                let score = Self.ratio(m, m, lcs)
                if score >= threshold && score > best { break }
                lcs += 1
            }
            return lcs
        }

        // Full windows, left to right, with a sliding bound. The last one (start n - m) is the
        // longest suffix, scored with the suffixes.
        counts.update(repeating: 0, count: distinct + 1)
        var bound = 0
        var minimum = minimumFullLCS()
        for position in 0..<m { add(code(position), &bound) }
        for start in 0..<(n - m) {
            if start > 0 {
                remove(code(start - 1), &bound)
                add(code(start + m - 1), &bound)
            }
            if bound < minimum { continue }
            let lcs = pattern.lcs(UnsafeBufferPointer(rebasing: text[start..<(start + m)]))
            let score = Self.ratio(m, m, lcs)
            if score > best {
                best = score
                if best == 100 { return 100 }
                minimum = minimumFullLCS()
            }
        }

        // Prefixes shorter than the query, ending on a query character.
        counts.update(repeating: 0, count: distinct + 1)
        bound = 0
        for count in 1..<max(1, m) {
            let last = code(count - 1)
            add(last, &bound)
            if last != sentinel, consider(start: 0, count: count, bound: bound) { return 100 }
        }

        // Suffixes no longer than the query, starting on a query character (longest first).
        counts.update(repeating: 0, count: distinct + 1)
        bound = 0
        for position in (n - m)..<n { add(code(position), &bound) }
        for start in (n - m)..<n {
            if start > n - m { remove(code(start - 1), &bound) }
            if code(start) != sentinel, consider(start: start, count: n - start, bound: bound) { return 100 }
        }
        return best >= threshold ? best : 0
    }

    /// The same arithmetic as `FuzzyScorer.ratio`.
    @inline(__always)
    static func ratio(_ patternLength: Int, _ length: Int, _ lcs: Int) -> Double {
        FuzzyScorer.ratio(patternLength: patternLength, length: length, lcs: lcs)
    }
}
