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
    /// `TextProfile.characterClass` of each ASCII character.
    private let classes: UnsafeMutablePointer<UInt8>
    private let scratch = ScratchBuffer()
    /// marks[i] = 1 when the bigram (text[i − 1], text[i]) occurs in the query (marks[0] = 0).
    var marks: UnsafeMutablePointer<Int32> { scratch.pointer }

    init(query: [UInt32]) {
        table = .allocate(capacity: 1_024)
        table.initialize(repeating: 0, count: 1_024)
        for (a, b) in zip(query, query.dropFirst()) { table[TextProfile.bigramSlot(a, b)] = 1 }
        classes = .allocate(capacity: 128)
        for scalar in 0..<128 { classes[scalar] = UInt8(TextProfile.characterClass(UInt32(scalar))) }
    }

    deinit {
        table.deallocate()
        classes.deallocate()
    }

    /// Fills `marks` for `text`.
    func mark(_ text: UnsafeBufferPointer<UInt32>) {
        let n = text.count
        let marks = scratch.reserve(n)
        guard n > 0 else { return }
        let classes = self.classes, table = self.table
        @inline(__always) func characterClass(_ scalar: UInt32) -> Int {
            scalar < 128 ? Int(classes[Int(scalar)]) : 28 + Int(scalar & 3)
        }
        marks[0] = 0
        var previous = characterClass(text[0])
        for index in 1..<n {
            let current = characterClass(text[index])
            marks[index] = Int32(table[previous << 5 | current])
            previous = current
        }
    }

    /// Marked positions among the bigrams inside `text[start ..< start + length]` (after `mark`).
    @inline(__always)
    func count(start: Int, length: Int) -> Int {
        var total = 0
        var index = start + 1
        while index < start + length {
            total += Int(marks[index])
            index += 1
        }
        return total
    }
}
