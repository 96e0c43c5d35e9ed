import SCSCore
import Foundation

/// Python's `repr()` of JSON values, for validation messages identical to the Python server's
/// (`'x' is a required property`, `None is not of type 'object'`).
enum PythonRepr {
    static func of(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e16 ? String(format: "%.1f", d) : d.description
        case .string(let s): return string(s)
        case .array(let items): return "[" + items.map(of).joined(separator: ", ") + "]"
        case .object(let object): return "{" + object.map { string($0.key) + ": " + of($0.value) }.joined(separator: ", ") + "}"
        case .raw(let raw): return of(raw.parsed)
        }
    }

    /// Single quotes unless the text contains one and no double quote, as Python chooses.
    static func string(_ text: String) -> String {
        let quote: Character = text.utf8.contains(UInt8(ascii: "'")) && !text.utf8.contains(UInt8(ascii: "\"")) ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where Character(scalar) == quote: out += "\\" + String(quote)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += String(format: "\\x%02x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + String(quote)
    }
}
