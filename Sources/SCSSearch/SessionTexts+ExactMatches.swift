import CSCSScan
import SCSCore

extension SessionTexts {
    /// Bytes of the class column searched per step, newest stretch first.
    static let exactChunk = 32_768

    /// What the search for exact occurrences found.
    enum ExactMatches: Equatable {
        /// The newest `limit` candidates that score 100, newest first: the whole answer.
        case enough([Int])
        /// Fewer than `limit`: every candidate whose searched text (at least as long as the
        /// query) contains the query, newest first. No other text has a full window scoring 100.
        case all([Int])
    }

    /// The candidates of `range` that contain the query (see `ExactMatches`); nil when the search
    /// does not apply (empty query or range, no limit, a threshold above 100).
    /// partial_ratio is 100 exactly when the query occurs in the text
    /// (or, for a text shorter than the query, the text in the query), and a full set of 100s is
    /// the whole answer: nothing scores higher and, among equals, newer messages rank first. The
    /// occurrences are found with `memmem` over the one-byte class column (several GB/s), newest
    /// stretch first, and confirmed on the scalars — instead of scoring message after message
    /// until `limit` exact matches turn up (thousands of texts for a rare three-word phrase).
    func exactMatches(_ range: Range<Int>, query: [UInt32], for search: SearchQuery) -> ExactMatches? {
        let limit = search.limit
        let m = query.count
        guard m > 0, limit > 0, search.threshold <= 100, !range.isEmpty else { return nil }
        let needle = query.map { UInt8(TextProfile.characterClass($0)) }
        let begin = starts[range.lowerBound]
        let end = starts[range.upperBound - 1] + fullLengths[range.upperBound - 1]
        var found: [Int] = []
        classes.withUnsafeBufferPointer { column in
            needle.withUnsafeBufferPointer { needle in
                var high = end
                while high > begin && found.count < limit {
                    let low = max(begin, high - Self.exactChunk)
                    let windowEnd = min(end, high + m - 1)  // occurrences starting before `high`
                    var offsets: [Int] = []
                    var from = low
                    while from < high {
                        let hit = scs_find(column.baseAddress! + from, windowEnd - from, needle.baseAddress!, m)
                        if hit < 0 || from + hit >= high { break }
                        offsets.append(from + hit)
                        from += hit + 1
                    }
                    for offset in offsets.reversed() {
                        let position = self.position(containing: offset, in: range)
                        if position == found.last || !occurs(query, at: offset, in: position, metadata: search.searchMetadata) { continue }
                        guard isCandidate(position, for: search.reader, scope: search.scope) else { continue }
                        found.append(position)
                        if found.count == limit { break }
                    }
                    high = low
                }
            }
        }
        guard found.count == limit else { return .all(found) }
        // A text shorter than the query scores 100 when it occurs in the query: rare, but one newer
        // than the oldest match found belongs in the answer.
        let oldest = found[limit - 1]
        var short: [Int] = []
        for position in (oldest + 1)..<range.upperBound {
            let length = searchedLength(position, metadata: search.searchMetadata)
            guard length > 0, length < m, isCandidate(position, for: search.reader, scope: search.scope) else { continue }
            let text = scalars[starts[position]..<(starts[position] + length)]
            if Self.contains(query, text) { short.append(position) }
        }
        if short.isEmpty { return .enough(found) }
        return .enough(Array((found + short).sorted(by: >).prefix(limit)))
    }

    /// The message whose text holds column offset `offset` (texts are back to back, in order).
    func position(containing offset: Int, in range: Range<Int>) -> Int {
        var low = range.lowerBound, high = range.upperBound - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Whether the query's scalars are at `offset`, inside the searched text of `position`.
    func occurs(_ query: [UInt32], at offset: Int, in position: Int, metadata: Bool) -> Bool {
        let length = searchedLength(position, metadata: metadata)
        guard offset + query.count <= starts[position] + length else { return false }
        return scalars[offset..<(offset + query.count)].elementsEqual(query)
    }

    static func contains(_ haystack: [UInt32], _ needle: ArraySlice<UInt32>) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// How many messages of `range` the search may consider (visible to the reader, in scope).
    func candidateCount(_ range: Range<Int>, for search: SearchQuery) -> Int {
        range.reduce(0) { $0 + (isCandidate($1, for: search.reader, scope: search.scope) ? 1 : 0) }
    }
}
