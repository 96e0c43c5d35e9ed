/// The query's character bigrams as a lookup table, and a scan that marks where a text holds one.
///
/// A window of length k ≤ m whose LCS with the query is L keeps at least 3L − m − k − 1 of the
/// query's bigrams intact (see `ThresholdScorer.requiredBigrams`), so a window holding fewer
/// positions whose bigram is one of the query's cannot reach the threshold. Counting those
/// positions in a sliding window costs a table lookup per character — much less than the
/// character-count bound — and is far more selective once the threshold is high.
final class QueryBigrams {
    /// 1 for each bigram slot (`TextProfile.bigramSlot`) that occurs in the query.
    private let table: UnsafeMutablePointer<UInt8>
    private let scratch = ScratchBuffer()
    /// held[i] = how many positions j in 1...i have a bigram (text[j − 1], text[j]) that occurs
    /// in the query (held[0] = 0): a prefix sum, so any window's count is one subtraction and
    /// windows can be tested independently of each other (eight at a time).
    var held: UnsafeMutablePointer<Int32> { scratch.pointer }

    init(query: [UInt32]) {
        table = .allocate(capacity: 1_024)
        table.initialize(repeating: 0, count: 1_024)
        for (a, b) in zip(query, query.dropFirst()) { table[TextProfile.bigramSlot(a, b)] = 1 }
    }

    deinit {
        table.deallocate()
    }

    /// Fills `held` for a text of `count` characters given their classes
    /// (`TextProfile.characterClass`).
    func mark(classes: UnsafePointer<UInt8>, count n: Int) {
        let held = scratch.reserve(n)
        guard n > 0 else { return }
        let table = self.table
        held[0] = 0
        var total: Int32 = 0
        var previous = Int(classes[0])
        for index in 1..<n {
            let current = Int(classes[index])
            total &+= Int32(table[previous << 5 | current])
            held[index] = total
            previous = current
        }
    }

    /// Marked positions among the bigrams inside `text[start ..< start + length]` (after `mark`;
    /// length ≥ 1).
    @inline(__always)
    func count(start: Int, length: Int) -> Int {
        Int(held[start + length - 1] &- held[start])
    }
}
