/// Python's `str.lower()`: full Unicode lower-case mapping plus the context-sensitive Final_Sigma
/// rule (Σ becomes ς at the end of a word), which Swift's `lowercased()` does not apply.
enum PythonLowercase {
    static let capitalSigma: Unicode.Scalar = "\u{03A3}"

    static func lowercased(_ text: String) -> String {
        guard text.unicodeScalars.contains(capitalSigma) else { return text.lowercased() }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var runStart = 0
        for (index, scalar) in scalars.enumerated() where scalar == capitalSigma {
            result.append(contentsOf: String(String.UnicodeScalarView(scalars[runStart..<index])).lowercased().unicodeScalars)
            result.append(isFinalSigma(scalars, at: index) ? "\u{03C2}" : "\u{03C3}")
            runStart = index + 1
        }
        result.append(contentsOf: String(String.UnicodeScalarView(scalars[runStart...])).lowercased().unicodeScalars)
        return String(result)
    }

    /// Preceded by a cased letter and not followed by one (case-ignorable characters skipped).
    static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var before = index - 1
        while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
        return !(after < scalars.count && scalars[after].properties.isCased)
    }
}
