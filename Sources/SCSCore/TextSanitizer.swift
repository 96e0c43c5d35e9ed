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

    /// Python `str.strip()`: removes leading and trailing Unicode whitespace.
    public static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
