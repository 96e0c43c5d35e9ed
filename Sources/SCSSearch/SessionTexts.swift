import CSCSPrefetch
import SCSCore

/// The searchable form of a session's messages, stored column by column so a scan reads plain
/// memory: every text (`sender content [metadata values…]`, lower-cased, as Unicode scalars) in
/// one buffer, every text profile in two flat buffers.
struct SessionTexts: Sendable {
    private(set) var messages: [Message] = []
    private var foldedSenderTypes: [String] = []
    /// All texts back to back; message i is `scalars[starts[i] ..< starts[i] + fullLengths[i]]`,
    /// its text without metadata values the first `baseLengths[i]` scalars of that.
    private var scalars: [UInt32] = []
    private var starts: [Int] = []
    private var baseLengths: [Int] = []
    private var fullLengths: [Int] = []
    /// Profile numbers (full text, base text) into the flat profile buffers; equal when the
    /// message has no searchable metadata.
    private var profileNumbers: [(full: Int, base: Int)] = []
    private var histograms: [UInt8] = []
    private var bigrams: [UInt64] = []

    var count: Int { messages.count }

    mutating func append(_ message: Message) {
        let base = FuzzyScorer.scalars(message.sender + " " + message.content)
        let start = scalars.count
        scalars.append(contentsOf: base)
        for value in Self.metadataValues(message.metadata) {
            scalars.append(0x20)
            scalars.append(contentsOf: FuzzyScorer.scalars(value))
        }
        let profileCount = histograms.count / TextProfile.histogramSize
        TextProfile.append(base[...], histograms: &histograms, bigrams: &bigrams)
        if scalars.count - start == base.count {
            profileNumbers.append((profileCount, profileCount))
        } else {
            TextProfile.append(scalars[start...], histograms: &histograms, bigrams: &bigrams)
            profileNumbers.append((profileCount + 1, profileCount))
        }
        starts.append(start)
        baseLengths.append(base.count)
        fullLengths.append(scalars.count - start)
        messages.append(message)
        foldedSenderTypes.append(AgentIdentity.fold(message.senderType))
    }

    mutating func setVisibility(_ visibility: Visibility, at position: Int) {
        messages[position].visibility = visibility
    }

    /// Scores the candidates among `range`, newest first, into `top` (each at the threshold `top`
    /// currently asks for); returns how many messages were candidates.
    func scan(_ range: Range<Int>, for query: SearchQuery, scorer: FuzzyScorer, into top: inout TopHits) -> Int {
        var candidates = 0
        scalars.withUnsafeBufferPointer { text in
            histograms.withUnsafeBufferPointer { histograms in
                bigrams.withUnsafeBufferPointer { bigrams in
                    for position in range.reversed() {
                        // The next text to visit is the previous one in memory: start loading it
                        // (the hardware prefetcher follows a text forwards, not the jump back).
                        if position > range.lowerBound { prefetch(position - 1, text, histograms, bigrams, query.searchMetadata) }
                        guard isCandidate(position, for: query.reader, scope: query.scope) else { continue }
                        candidates += 1
                        let minimum = top.threshold(atLeast: query.threshold)
                        if minimum > 100 { continue }
                        let numbers = profileNumbers[position]
                        let number = query.searchMetadata ? numbers.full : numbers.base
                        let length = query.searchMetadata ? fullLengths[position] : baseLengths[position]
                        let profile = ProfileView(
                            histogram: histograms.baseAddress! + number * TextProfile.histogramSize,
                            bigrams: bigrams.baseAddress! + number * TextProfile.bigramWords)
                        let start = starts[position]
                        let score = scorer.scoreIfAtLeast(
                            UnsafeBufferPointer(rebasing: text[start..<(start + length)]), threshold: minimum, profile: profile)
                        if score >= minimum { top.insert(SearchService.RankedHit(position: position, score: score)) }
                    }
                }
            }
        }
        return candidates
    }

    @inline(__always)
    func prefetch(
        _ position: Int, _ text: UnsafeBufferPointer<UInt32>, _ histograms: UnsafeBufferPointer<UInt8>,
        _ bigrams: UnsafeBufferPointer<UInt64>, _ searchMetadata: Bool
    ) {
        let numbers = profileNumbers[position]
        let number = searchMetadata ? numbers.full : numbers.base
        let length = searchMetadata ? fullLengths[position] : baseLengths[position]
        scs_prefetch(text.baseAddress! + starts[position], length * MemoryLayout<UInt32>.stride)
        scs_prefetch(histograms.baseAddress! + number * TextProfile.histogramSize, TextProfile.histogramSize)
        scs_prefetch(bigrams.baseAddress! + number * TextProfile.bigramWords, TextProfile.bigramWords * MemoryLayout<UInt64>.stride)
    }

    /// Visibility for `reader` (the shared rule), narrowed by `scope`.
    func isCandidate(_ position: Int, for reader: AgentIdentity, scope: SearchScope) -> Bool {
        // Fields are read in place (binding the message would copy it for every candidate).
        let visibility = messages[position].visibility
        switch scope {
        case .all: break
        case .public: if visibility != .public { return false }
        case .private: if visibility != .private { return false }
        }
        return visibility.isVisible(to: reader, sender: messages[position].sender, foldedSenderType: foldedSenderTypes[position])
    }

    /// The values of top-level metadata entries that are truthy scalars, as Python's `str()` prints
    /// them (`True`, `3`, `2.5`); nested objects and arrays, `0`, `false` and `""` are skipped.
    static func metadataValues(_ metadata: JSONObject?) -> [String] {
        guard let metadata else { return [] }
        return metadata.values.compactMap { value in
            switch value {
            case .string(let s): return s.isEmpty ? nil : s
            case .int(let i): return i == 0 ? nil : String(i)
            case .double(let d): return d == 0 ? nil : pythonFloat(d)
            case .bool(let b): return b ? "True" : nil
            case .null, .array, .object: return nil
            }
        }
    }

    /// Python's `repr(float)`: shortest round-trip digits, `1e+16` style exponents, `inf`.
    static func pythonFloat(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value.isNaN { return "nan" }
        // Swift's shortest round-trip form matches Python's (`2.5`, `1e+16`, `1e-05`).
        return value.description
    }
}
