/// Bit masks of where each character occurs in a pattern, one 64-bit word per 64 characters,
/// for bit-parallel LCS (Hyyrö). ASCII is looked up in a dense table (16 bytes per pattern
/// character); other scalars are sparse: each keeps only the words it occurs in, so the memory is
/// linear in the pattern's length whatever characters it holds (a dense table per distinct scalar
/// cost distinct × length / 8 bytes: 8 GB for a 1 MiB query of distinct astral characters).
struct PatternMatchVector {
    let length: Int
    let words: Int
    private var ascii: [UInt64]
    /// Single-word patterns: the one mask of each non-ASCII scalar.
    private var single: [UInt32: UInt64]
    /// Longer patterns: per non-ASCII scalar, a range of `sparse` (ascending word order).
    private var ranges: [UInt32: Range<Int>]
    private var sparse: [(word: Int, bits: UInt64)]

    init(_ pattern: ArraySlice<UInt32>) {
        length = pattern.count
        words = max(1, (pattern.count + 63) / 64)
        ascii = [UInt64](repeating: 0, count: 128 * words)
        single = [:]
        ranges = [:]
        sparse = []
        var masks: [UInt32: [(word: Int, bits: UInt64)]] = [:]
        for (offset, scalar) in pattern.enumerated() {
            let word = offset / 64
            let bit = UInt64(1) << UInt64(offset % 64)
            if scalar < 128 {
                ascii[Int(scalar) * words + word] |= bit
            } else if words == 1 {
                single[scalar, default: 0] |= bit
            } else {
                // Offsets ascend, so a scalar's words arrive in order: extend the last or append.
                if let last = masks[scalar]?.last, last.word == word {
                    masks[scalar]![masks[scalar]!.count - 1].bits |= bit
                } else {
                    masks[scalar, default: []].append((word, bit))
                }
            }
        }
        for (scalar, list) in masks {
            ranges[scalar] = sparse.count..<(sparse.count + list.count)
            sparse += list
        }
    }

    init(_ pattern: [UInt32]) { self.init(pattern[...]) }

    /// Whether `scalar` occurs in the pattern.
    @inline(__always)
    func contains(_ scalar: UInt32) -> Bool {
        if scalar < 128 {
            let base = Int(scalar) * words
            for word in 0..<words where ascii[base + word] != 0 { return true }
            return false
        }
        return words == 1 ? single[scalar] != nil : ranges[scalar] != nil
    }

    /// LCS over raw memory (single-word patterns; the hot path of threshold scoring).
    @inline(__always)
    func lcs(_ text: UnsafeBufferPointer<UInt32>) -> Int {
        guard words == 1 else { return lcs(ArraySlice(text)) }
        return ascii.withUnsafeBufferPointer { table in
            var s: UInt64 = ~0
            for scalar in text {
                let matches: UInt64
                if scalar < 128 {
                    matches = table[Int(scalar)]
                } else if let mask = single[scalar] {
                    matches = mask
                } else {
                    continue
                }
                let u = s & matches
                s = (s &+ u) | (s &- u)
            }
            return (~s).nonzeroBitCount
        }
    }

    /// Length of the longest common subsequence of the pattern and `text`.
    func lcs(_ text: ArraySlice<UInt32>) -> Int {
        if words == 1 { return lcsSingleWord(text) }
        var state = [UInt64](repeating: ~0, count: words)
        for scalar in text {
            var carry: UInt64 = 0
            if scalar < 128 {
                let base = Int(scalar) * words
                for word in 0..<words {
                    step(&state[word], ascii[base + word], &carry)
                }
            } else if let range = ranges[scalar] {
                // Words the scalar does not occur in still carry (matches = 0).
                var next = range.lowerBound
                for word in 0..<words {
                    var matches: UInt64 = 0
                    if next < range.upperBound, sparse[next].word == word {
                        matches = sparse[next].bits
                        next += 1
                    }
                    step(&state[word], matches, &carry)
                }
            } else {
                // No match: S + 0 + carry with carry = 0 leaves S unchanged.
                continue
            }
        }
        return state.reduce(0) { $0 + (~$1).nonzeroBitCount }
    }

    /// Bytes held by the tables (for tests: linear in the pattern's length).
    var tableBytes: Int { ascii.count * 8 + single.count * 12 + ranges.count * 20 + sparse.count * 16 }

    @inline(__always)
    private func step(_ s: inout UInt64, _ matches: UInt64, _ carry: inout UInt64) {
        let u = s & matches
        let (sum1, overflow1) = s.addingReportingOverflow(u)
        let (sum2, overflow2) = sum1.addingReportingOverflow(carry)
        carry = (overflow1 || overflow2) ? 1 : 0
        s = sum2 | (s &- u)
    }

    @inline(__always)
    private func lcsSingleWord(_ text: ArraySlice<UInt32>) -> Int {
        text.withUnsafeBufferPointer { lcs($0) }
    }
}
