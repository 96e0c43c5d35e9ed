import CSCSScan
import SCSCore
import OrderedCollections

/// The searchable form of a session's messages, stored column by column so a scan reads plain
/// memory: every text (`sender content [metadata values…]`, lower-cased, as Unicode scalars) in
/// one buffer, every text profile in two flat buffers.
struct SessionTexts: Sendable {
    private(set) var messages: [Message] = []
    /// Each message's visibility, beside the messages: the scan reads it for every message, and
    /// one byte per message stays in cache where a 144-byte message stride does not.
    private var visibilities: [Visibility] = []
    private var foldedSenderTypes: [String] = []
    /// All texts back to back; message i is `scalars[starts[i] ..< starts[i] + fullLengths[i]]`,
    /// its text without metadata values the first `baseLengths[i]` scalars of that.
    private(set) var scalars: [UInt32] = []
    /// The class of each scalar (`TextProfile.characterClass`), at the same offsets.
    private(set) var classes: [UInt8] = []
    private(set) var starts: [Int] = []
    private(set) var baseLengths: [Int] = []
    private(set) var fullLengths: [Int] = []
    /// Profile numbers (full text, base text) into the flat profile buffers; equal when the
    /// message has no searchable metadata.
    private var profileNumbers: [(full: Int, base: Int)] = []
    private var histograms: [UInt8] = []
    private var bigrams: [UInt64] = []

    var count: Int { messages.count }
    /// About how much memory the index holds: its buffers and the messages it returns.
    private(set) var bytes = 0

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
        TextProfile.appendClasses(scalars[start...], to: &classes)
        starts.append(start)
        baseLengths.append(base.count)
        fullLengths.append(scalars.count - start)
        messages.append(message)
        bytes += (scalars.count - start) * 5 + TextProfile.histogramSize * 2 + 96 + message.estimatedJSONBytes
        visibilities.append(message.visibility)
        foldedSenderTypes.append(AgentIdentity.fold(message.senderType))
    }

    mutating func setVisibility(_ visibility: Visibility, at position: Int) {
        messages[position].visibility = visibility
        visibilities[position] = visibility
    }

    /// The flat buffers of the index, in place for one scan.
    struct Columns {
        let text: UnsafeBufferPointer<UInt32>
        let classes: UnsafeBufferPointer<UInt8>
        let histograms: UnsafeBufferPointer<UInt8>
        let bigrams: UnsafeBufferPointer<UInt64>
    }

    func withColumns<R>(_ body: (Columns) -> R) -> R {
        scalars.withUnsafeBufferPointer { text in
            classes.withUnsafeBufferPointer { classes in
                histograms.withUnsafeBufferPointer { histograms in
                    bigrams.withUnsafeBufferPointer { bigrams in
                        body(Columns(text: text, classes: classes, histograms: histograms, bigrams: bigrams))
                    }
                }
            }
        }
    }

    /// How many scalars of message `position`'s text are searched (with or without metadata values).
    @inline(__always)
    func searchedLength(_ position: Int, metadata: Bool) -> Int { metadata ? fullLengths[position] : baseLengths[position] }

    /// Where message `position`'s searched text and its profile are.
    @inline(__always)
    func locate(_ position: Int, in columns: Columns, metadata: Bool) -> (text: UnsafeBufferPointer<UInt32>, profile: ProfileView) {
        let numbers = profileNumbers[position]
        let number = metadata ? numbers.full : numbers.base
        let start = starts[position]
        let length = searchedLength(position, metadata: metadata)
        let profile = ProfileView(
            histogram: columns.histograms.baseAddress! + number * TextProfile.histogramSize,
            bigrams: columns.bigrams.baseAddress! + number * TextProfile.bigramWords,
            classes: columns.classes.baseAddress! + start)
        return (UnsafeBufferPointer(rebasing: columns.text[start..<(start + length)]), profile)
    }

    /// Scores the candidates among `range`, newest first, into `top` (each at the threshold `top`
    /// currently asks for, raised to what the other slices of the search already hold when
    /// `floors` is given); returns how many messages were candidates.
    func scan(
        _ range: Range<Int>, for query: SearchQuery, scorer: FuzzyScorer, into top: inout TopHits,
        floors: SliceFloors? = nil, slice: Int = 0, known: SearchService.KnownOccurrences = .init()
    ) -> Int {
        var candidates = 0
        var shared = 0.0  // floors.floor(for: slice), refreshed every 32 messages
        var nextKnown = 0  // into known.positions (newest first), kept at the first not newer than `position`
        withColumns { columns in
            for position in range.reversed() {
                // The next text to visit is the previous one in memory: start loading it (the
                // hardware prefetcher follows a text forwards, not the jump back).
                if position > range.lowerBound { prefetch(position - 1, columns, metadata: query.searchMetadata) }
                guard isCandidate(position, for: query.reader, scope: query.scope) else { continue }
                candidates += 1
                if let floors, candidates % 32 == 1 { shared = floors.floor(for: slice) }
                let minimum = max(top.threshold(atLeast: query.threshold), shared)
                if minimum > 100 { continue }
                let score: Double
                while nextKnown < known.positions.endIndex && known.positions[nextKnown] > position { nextKnown += 1 }
                if nextKnown < known.positions.endIndex && known.positions[nextKnown] == position {
                    score = 100  // the query occurs in it
                } else {
                    let (text, profile) = locate(position, in: columns, metadata: query.searchMetadata)
                    score = scorer.scoreIfAtLeast(text, threshold: minimum, profile: profile, fullWindows: known.fullWindows)
                }
                if score >= minimum {
                    top.insert(SearchService.RankedHit(position: position, score: score))
                    if let floors, let weakest = top.weakestOfFull { floors.publish(weakest, slice: slice) }
                }
            }
        }
        return candidates
    }

    @inline(__always)
    func prefetch(_ position: Int, _ columns: Columns, metadata: Bool) {
        let (text, profile) = locate(position, in: columns, metadata: metadata)
        scs_prefetch(text.baseAddress!, text.count * MemoryLayout<UInt32>.stride)
        scs_prefetch(profile.classes!, text.count)
        scs_prefetch(profile.histogram, TextProfile.histogramSize)
        scs_prefetch(profile.bigrams, TextProfile.bigramWords * MemoryLayout<UInt64>.stride)
    }

    /// Visibility for `reader` (the shared rule), narrowed by `scope`.
    func isCandidate(_ position: Int, for reader: AgentIdentity, scope: SearchScope) -> Bool {
        let visibility = visibilities[position]
        switch scope {
        case .all: break
        case .public: if visibility != .public { return false }
        case .private: if visibility != .private { return false }
        }
        // The sender is read in place (binding the message would copy it), and only when not public.
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
            case .null, .array, .object, .raw: return nil
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
