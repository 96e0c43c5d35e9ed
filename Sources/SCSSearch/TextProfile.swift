/// What the scorer's bounds need to know about one text without reading it: saturating counts of
/// its ASCII characters and the set of its character bigrams (letters, space and digits exactly,
/// other characters folded into four classes, so a bigram may be reported present when it is not,
/// never absent when it is present — both bounds stay upper bounds).
public struct TextProfile: Sendable {
    static let histogramSize = 128
    static let bigramWords = 16

    /// 128 saturating counts, one per ASCII character.
    public private(set) var histogram: [UInt8] = []
    /// 1,024 bits, one per pair of character classes (see `bigramSlot`).
    public private(set) var bigrams: [UInt64] = []
    /// The class (`characterClass`) of each character, in order.
    public private(set) var classes: [UInt8] = []

    public init(_ scalars: ArraySlice<UInt32>) {
        Self.append(scalars, histograms: &histogram, bigrams: &bigrams)
        Self.appendClasses(scalars, to: &classes)
    }

    /// Appends the class of each scalar (one byte per character: the bigram scan reads these
    /// instead of the four-byte scalars).
    static func appendClasses(_ scalars: some Sequence<UInt32>, to classes: inout [UInt8]) {
        classes.append(contentsOf: scalars.lazy.map { UInt8(characterClass($0)) })
    }

    /// Appends the profile of `scalars` to flat storage (128 counts, 16 words).
    static func append(_ scalars: ArraySlice<UInt32>, histograms: inout [UInt8], bigrams: inout [UInt64]) {
        let h = histograms.count, b = bigrams.count
        histograms.append(contentsOf: repeatElement(0, count: histogramSize))
        bigrams.append(contentsOf: repeatElement(0, count: bigramWords))
        var previous: Int?
        for scalar in scalars {
            if scalar < 128 && histograms[h + Int(scalar)] < 255 { histograms[h + Int(scalar)] += 1 }
            let current = characterClass(scalar)
            if let previous {
                let slot = previous << 5 | current
                bigrams[b + slot >> 6] |= 1 << UInt64(slot & 63)
            }
            previous = current
        }
    }

    /// Runs `body` with the profile as the scorer reads it.
    func withView<R>(_ body: (ProfileView) -> R) -> R {
        histogram.withUnsafeBufferPointer { h in
            bigrams.withUnsafeBufferPointer { b in
                classes.withUnsafeBufferPointer { c in
                    body(ProfileView(histogram: h.baseAddress!, bigrams: b.baseAddress!, classes: c.baseAddress))
                }
            }
        }
    }

    /// 0–25 for a–z, 26 for space, 27 for digits, 28–31 for anything else.
    @inline(__always)
    static func characterClass(_ scalar: UInt32) -> Int {
        switch scalar {
        case 97...122: Int(scalar - 97)
        case 32: 26
        case 48...57: 27
        default: 28 + Int(scalar & 3)
        }
    }

    /// The bit of the bigram `(a, b)` in `bigrams`.
    @inline(__always)
    static func bigramSlot(_ a: UInt32, _ b: UInt32) -> Int { characterClass(a) << 5 | characterClass(b) }
}

/// A text profile in place (flat storage of a session index, or a `TextProfile`'s arrays).
struct ProfileView {
    let histogram: UnsafePointer<UInt8>
    let bigrams: UnsafePointer<UInt64>
    /// The text's character classes, one per character (nil for an empty text).
    let classes: UnsafePointer<UInt8>?

    @inline(__always)
    func contains(slot: Int) -> Bool { bigrams[slot >> 6] & (1 << UInt64(slot & 63)) != 0 }
}
