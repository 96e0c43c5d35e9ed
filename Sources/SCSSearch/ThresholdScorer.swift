/// The scorer's fast path for the usual case — a query of at most 64 characters that is shorter
/// than the text — when only scores at or above a threshold matter.
///
/// Exact: it returns the same score as the full search whenever that score reaches `threshold`
/// (and 0 otherwise). A window is only scored when an upper bound of its LCS — the sum over the
/// query's characters of min(count in the window, count in the query), kept in a sliding window —
/// can still beat both the threshold and the best score so far. Before any window is read, two
/// whole-text bounds may reject the text: its character counts, and — for thresholds above 2/3 —
/// how many of the query's bigrams it contains at all (see `requiredBigrams`).
///
/// Scratch memory is owned here and reused across the texts of one search (one instance per
/// search; not shared between tasks).
final class ThresholdScorer {
    let length: Int
    let pattern: PatternMatchVector
    /// Dense index (0..<distinct) of each ASCII query character, -1 elsewhere.
    private let asciiIndex: UnsafeMutablePointer<Int16>
    private let otherIndex: [UInt32: Int16]
    /// How often each distinct character occurs in the query, and how many more of each the
    /// current window could still match (`needed` minus the window's count).
    private let needed: UnsafeMutablePointer<Int32>
    private let deficit: UnsafeMutablePointer<Int32>
    private let distinct: Int
    /// The query's distinct ASCII characters with their counts (the whole-text bound loops over
    /// these, not over all 128 slots), and the total count of its non-ASCII characters.
    private let asciiNeeds: [(scalar: Int, needed: Int)]
    private let otherNeeded: Int
    /// The bigram slot (`TextProfile.bigramSlot`) of each adjacent pair of query characters.
    private let bigramSlots: [Int]
    private let queryBigrams: QueryBigrams
    /// Per-position scratch for one text: character codes, or the LCS of scored windows.
    private let scratch = ScratchBuffer()
    private var requiredCache: (threshold: Double, required: Int) = (.nan, 0)
    /// Character classes of a text that came without a profile.
    private var classScratch: [UInt8] = []

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
        deficit = .allocate(capacity: distinct + 1)
        var needs: [(scalar: Int, needed: Int)] = []
        for scalar in 0..<128 where asciiIndex[scalar] < Int16(distinct) { needs.append((scalar, Int(needed[Int(asciiIndex[scalar])]))) }
        asciiNeeds = needs
        otherNeeded = other.values.reduce(0) { $0 + Int(needed[Int($1)]) }
        bigramSlots = zip(query, query.dropFirst()).map { TextProfile.bigramSlot($0, $1) }
        queryBigrams = QueryBigrams(query: query)
    }

    deinit {
        asciiIndex.deallocate()
        needed.deallocate()
        deficit.deallocate()
    }

    /// An upper bound of any window's LCS from the text's ASCII character counts: the sum over
    /// query characters of min(count in text, count in query).
    func wholeTextBound(_ counts: UnsafePointer<UInt8>) -> Int {
        var total = otherNeeded  // non-ASCII query characters: assume present
        for need in asciiNeeds { total += min(Int(counts[need.scalar]), need.needed) }
        return total
    }

    /// How many of the query's adjacent character pairs any window scoring at least `threshold`
    /// must keep intact. A window of length k ≤ m with LCS L matches L query characters in L − 1
    /// consecutive pairs; a pair is broken only by a skipped query character (at most m − L) or a
    /// skipped window character (at most k − L), so at least 3L − m − k − 1 query bigrams occur in
    /// the window. With L ≥ s(m + k)/200 and k ≥ sm/(200 − s) (L ≤ k) that is at least
    /// m(3s − 200)/(200 − s) − 1: positive only above s = 66.7 (m − 1 at s = 100).
    func requiredBigrams(threshold: Double) -> Int {
        // Asked for every text, almost always at the same threshold as the text before.
        if threshold == requiredCache.threshold { return requiredCache.required }
        var required = 0
        if threshold > 200.0 / 3, threshold <= 100 {
            let bound = Double(length) * (3 * threshold - 200) / (200 - threshold) - 1
            required = max(0, Int((bound - 1e-9).rounded(.up)))
        }
        requiredCache = (threshold, required)
        return required
    }

    /// Whether the text can hold `required` of the query's bigrams (counted with their
    /// multiplicity in the query).
    func hasBigrams(_ profile: ProfileView, required: Int) -> Bool {
        if required <= 0 { return true }
        var present = 0
        var missing = 0
        let allowedMissing = bigramSlots.count - required
        for slot in bigramSlots {
            if profile.contains(slot: slot) {
                present += 1
                if present >= required { return true }
            } else {
                missing += 1
                if missing > allowedMissing { return false }
            }
        }
        return present >= required
    }

    /// The score of `text` (longer than the query) if it reaches `threshold`, else 0.
    /// - Parameter fullWindows: an upper bound of any full-length window's score in this text
    ///   (the caller knows the query does not occur in it: see `FuzzyScorer.withoutOccurrence(queryLength:)`);
    ///   when the threshold is above it, only the windows shorter than the query, at the text's
    ///   two ends, are scored.
    func score(_ text: UnsafeBufferPointer<UInt32>, profile: ProfileView?, threshold: Double, fullWindows: Double = 100) -> Double {
        if let profile {
            let total = wholeTextBound(profile.histogram)
            // No window can hold more than `total` matches: best possible ratio 2T/(m+T).
            if total == 0 || Self.ratio(length, total, total) < threshold { return 0 }
            if !hasBigrams(profile, required: requiredBigrams(threshold: threshold)) { return 0 }
        }
        return score(text, classes: profile?.classes, threshold: threshold, skipFullWindows: threshold > fullWindows)
    }

    private func score(
        _ text: UnsafeBufferPointer<UInt32>, classes: UnsafePointer<UInt8>?, threshold: Double, skipFullWindows: Bool
    ) -> Double {
        let m = length
        let n = text.count
        let deficit = self.deficit, needed = self.needed, ascii = asciiIndex
        let sentinel = Int16(distinct)
        let other = otherIndex
        let hasOther = !other.isEmpty
        @inline(__always) func code(_ position: Int) -> Int16 {
            let scalar = text[position]
            if scalar < 128 { return ascii[Int(scalar)] }
            return hasOther ? (other[scalar] ?? sentinel) : sentinel
        }
        var best = 0.0

        // The sliding bound: `bound` counts the window's characters that still meet a need.
        @inline(__always) func emptyWindow(_ bound: inout Int) {
            for index in 0..<distinct { deficit[index] = needed[index] }
            deficit[distinct] = 0
            bound = 0
        }
        @inline(__always) func add(_ c: Int, _ bound: inout Int) {
            bound &+= deficit[c] > 0 ? 1 : 0
            deficit[c] &-= 1
        }
        @inline(__always) func remove(_ c: Int, _ bound: inout Int) {
            deficit[c] &+= 1
            bound &-= deficit[c] > 0 ? 1 : 0
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

        /// Bigrams the next better window must hold (0: the bigram bound is too weak to use).
        func requiredNow() -> Int { requiredBigrams(threshold: best > 0 ? max(threshold, best.nextUp) : threshold) }
        var required = requiredNow()
        let byBigrams = !skipFullWindows && required >= max(2, (m - 1) / 3)
        var minimum = minimumFullLCS()
        var bound = 0
        if skipFullWindows {
            // No full window can reach the threshold: straight to the prefixes and suffixes.
        } else if byBigrams {
            // Full windows, left to right: only runs of windows holding enough query bigrams can
            // win, and within a run the LCS moves by at most one per step, so a stretch whose two
            // ends cannot climb to `minimum` in between is skipped without scoring it.
            let bigrams = queryBigrams
            if let classes {
                bigrams.mark(classes: classes, count: n)
            } else {
                classScratch.removeAll(keepingCapacity: true)
                TextProfile.appendClasses(text, to: &classScratch)
                classScratch.withUnsafeBufferPointer { bigrams.mark(classes: $0.baseAddress!, count: n) }
            }
            let held = bigrams.held
            let known = scratch.reserve(n)
            @inline(__always) func lcs(at start: Int) -> Int {
                let value = pattern.lcs(UnsafeBufferPointer(rebasing: text[start..<(start + m)]))
                known[start] = Int32(value)
                return value
            }
            /// Scores `start`; false when it scored 100 (nothing can beat it).
            @inline(__always) func visit(_ start: Int) -> Bool {
                let score = Self.ratio(m, m, lcs(at: start))
                if score > best && score >= threshold {
                    best = score
                    if best == 100 { return false }
                    required = requiredNow()
                    minimum = minimumFullLCS()
                }
                return true
            }
            func searchRun(_ first: Int, _ last: Int) -> Bool {
                guard visit(first) else { return false }
                if last == first { return true }
                guard visit(last) else { return false }
                var pending = [(first, last)]
                while let (a, b) = pending.popLast() {
                    if b - a <= 1 || (Int(known[a]) + Int(known[b]) + (b - a)) / 2 < minimum { continue }
                    let middle = (a + b) / 2
                    guard visit(middle) else { return false }
                    pending.append((a, middle))
                    pending.append((middle, b))
                }
                return true
            }
            // Window `start` holds held[start + m - 1] - held[start] marked bigrams (prefix sums:
            // no step depends on the one before).
            var runStart = -1
            var start = 0
            let end = n - m
            while start < end {
                // Outside a run, eight windows are tested together and skipped when none has enough.
                if runStart < 0 && start + 8 <= end {
                    let last = held + (start + m - 1), first = held + start
                    var most = last[0] &- first[0]
                    for lane in 1..<8 { most = max(most, last[lane] &- first[lane]) }
                    if Int(most) < required {
                        start += 8
                        continue
                    }
                }
                if Int(held[start + m - 1] &- held[start]) >= required {
                    if runStart < 0 { runStart = start }
                } else if runStart >= 0 {
                    if !searchRun(runStart, start - 1) { return 100 }
                    runStart = -1
                }
                start += 1
            }
            if runStart >= 0, !searchRun(runStart, n - m - 1) { return 100 }
        } else {
            // Full windows, left to right, with the sliding bound. The last one (start n - m) is
            // the longest suffix, scored with the suffixes. The characters are coded in a first
            // pass, so each step is two loads, two stores and two compares.
            let codes = scratch.reserve(n)
            for position in 0..<n { codes[position] = Int32(code(position)) }
            emptyWindow(&bound)
            for position in 0..<m { add(Int(codes[position]), &bound) }
            var start = 0
            while start < n - m {
                if start > 0 {
                    remove(Int(codes[start - 1]), &bound)
                    add(Int(codes[start + m - 1]), &bound)
                }
                if bound >= minimum {
                    let lcs = pattern.lcs(UnsafeBufferPointer(rebasing: text[start..<(start + m)]))
                    let score = Self.ratio(m, m, lcs)
                    if score > best {
                        best = score
                        if best == 100 { return 100 }
                        minimum = minimumFullLCS()
                    }
                }
                start += 1
            }
        }

        // Prefixes shorter than the query, ending on a query character (all inside the first
        // full window, so none can win when it holds too few query bigrams).
        let skipPrefixes = byBigrams && queryBigrams.count(start: 0, length: m) < requiredNow()
        emptyWindow(&bound)
        for count in 1..<max(1, m) where !skipPrefixes {
            let last = code(count - 1)
            add(Int(last), &bound)
            if last != sentinel, consider(start: 0, count: count, bound: bound) { return 100 }
        }

        // Suffixes no longer than the query, starting on a query character (longest first; all
        // inside the last full window).
        if byBigrams && queryBigrams.count(start: n - m, length: m) < requiredNow() { return best >= threshold ? best : 0 }
        emptyWindow(&bound)
        for position in (n - m)..<n { add(Int(code(position)), &bound) }
        for start in (n - m)..<n {
            if start > n - m { remove(Int(code(start - 1)), &bound) }
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
