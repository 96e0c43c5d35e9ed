import SCSCore

/// A message as the index keeps it: its row plus its searchable text, lower-cased once.
struct SearchableMessage: Sendable {
    var message: Message
    /// `sender content [metadata values…]`, lower-cased, as Unicode scalars.
    let text: [UInt32]
    /// Length of the `sender content` part (the text without metadata values).
    let baseLength: Int
    /// Sender type folded for the agent_only rule.
    let foldedSenderType: String
    /// Saturating counts of the ASCII characters of `text` (the whole-text bound of the scorer).
    let histogram: [UInt8]
    /// The same for the text without metadata values.
    let baseHistogram: [UInt8]

    init(_ message: Message) {
        self.message = message
        let base = message.sender + " " + message.content
        let baseScalars = FuzzyScorer.scalars(base)
        var full = baseScalars
        for value in Self.metadataValues(message.metadata) {
            full.append(0x20)
            full.append(contentsOf: FuzzyScorer.scalars(value))
        }
        text = full
        baseLength = baseScalars.count
        baseHistogram = Self.histogram(baseScalars[...])
        histogram = full.count == baseScalars.count ? baseHistogram : Self.histogram(full[...])
        foldedSenderType = AgentIdentity.fold(message.senderType)
    }

    static func histogram(_ scalars: ArraySlice<UInt32>) -> [UInt8] {
        var counts = [UInt8](repeating: 0, count: 128)
        for scalar in scalars where scalar < 128 && counts[Int(scalar)] < 255 { counts[Int(scalar)] += 1 }
        return counts
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

    /// Visibility for `reader`, narrowed by `scope` (the same rule the SQL applies).
    func isCandidate(for reader: AgentIdentity, scope: SearchScope) -> Bool {
        let visibility = message.visibility
        switch scope {
        case .all: break
        case .public: if visibility != .public { return false }
        case .private: if visibility != .private { return false }
        }
        if reader.isAdmin { return true }
        switch visibility {
        case .public: return true
        case .private: return message.sender == reader.agentID
        case .agentOnly: return message.sender == reader.agentID || foldedSenderType == reader.foldedAgentType
        case .adminOnly: return false
        }
    }
}
