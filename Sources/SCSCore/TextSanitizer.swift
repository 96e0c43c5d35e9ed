/// The Python server's `sanitize_text_input`: drop every control character below U+0020 except
/// newline, tab and carriage return, then trim surrounding whitespace.
public enum TextSanitizer {
    public static func sanitize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where scalar.value >= 0x20 || scalar == "\n" || scalar == "\t" || scalar == "\r" {
            scalars.append(scalar)
        }
        return trimmed(String(scalars))
    }

    /// Whether `text` holds a control character (U+0000–U+001F, U+007F–U+009F) or a Unicode line
    /// or paragraph separator: what an identifier must never carry.
    public static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
        }
    }

    /// Python `str.strip()`: removes leading and trailing Unicode whitespace.
    public static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
