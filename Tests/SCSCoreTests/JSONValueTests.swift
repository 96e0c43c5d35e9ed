import SCSCore
import Testing
import OrderedCollections

@Suite("JSON values")
struct JSONValueTests {
    @Test("round trip keeps key order, integers, floats and unicode")
    func roundTrip() throws {
        let text = #"{"z":1,"a":[true,false,null,-0.5,1e3,12345678901234],"s":"é\n\"\\\u0001🚀","o":{}}"#
        let value = try JSONValue.parse(text)
        #expect(value["z"] == .int(1))
        #expect(value["a"]?.arrayValue?[3] == .double(-0.5))
        #expect(value["a"]?.arrayValue?[4] == .double(1000))
        #expect(value["a"]?.arrayValue?[5] == .int(12_345_678_901_234))
        #expect(value["s"] == .string("é\n\"\\\u{01}🚀"))
        #expect(value.objectValue.map { Array($0.keys) } == ["z", "a", "s", "o"])
        #expect(value.compactText == #"{"z":1,"a":[true,false,null,-0.5,1000.0,12345678901234],"s":"é\n\"\\\u0001🚀","o":{}}"#)
        #expect(try JSONValue.parse(value.compactText) == value)
    }

    @Test("escapes and surrogate pairs decode")
    func escapes() throws {
        #expect(try JSONValue.parse(#""\ud83d\ude00 \u00e9 \/ \b\f\r\t""#) == .string("😀 é / \u{08}\u{0C}\r\t"))
        #expect(try JSONValue.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
    }

    @Test("invalid JSON is rejected with a position and no echo of the input",
          arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\u{01}\"", "\"abc", "{} x", "[1] [2]", "nul", "\"\\x\"", "1e", "NaN"])
    func invalid(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test("invalid UTF-8 and excessive nesting are rejected")
    func hostile() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"secret\": tru}") }
        #expect(error?.description.contains("secret") == false)
    }

    @Test("numbers: integer accessors and type names")
    func numbers() throws {
        #expect(JSONValue.double(3.0).intValue == 3)
        #expect(JSONValue.double(3.5).intValue == nil)
        #expect(JSONValue.int(7).doubleValue == 7)
        #expect(try JSONValue.parse("99999999999999999999") == .double(1e20))
        #expect(JSONValue.string("x").typeName == "string" && JSONValue.null.typeName == "null")
        #expect(JSONValue.double(.infinity).compactText == "null")
    }

    @Test("integers at the 18/19-digit edge of the fast path and past Int64 parse exactly")
    func integerEdges() throws {
        let cases: [(String, JSONValue)] = [
            ("0", .int(0)), ("-0", .int(0)), ("-7", .int(-7)),
            ("999999999999999999", .int(999_999_999_999_999_999)), ("-99999999999999999", .int(-99_999_999_999_999_999)),
            ("-999999999999999999", .int(-999_999_999_999_999_999)),
            ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
            ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ]
        for (text, expected) in cases {
            #expect(try JSONValue.parse(text) == expected, "\(text)")
            #expect(try JSONValue.parse("[\(text)]") == .array([expected]), "\(text) in an array")
        }
    }

    @Test("random strings (escapes, controls, non-ASCII, long runs) survive serialize then parse")
    func stringRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces: [String] = ["a", "bc ", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "🚀", "/", "\u{08}", "\u{0C}",
                                String(repeating: "x", count: 300), "\u{2028}", "\u{FFFD}"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let value = JSONValue.object(["k\(text)": .string(text), "n": .string(text)])
            let serialized = value.compactText
            #expect(!serialized.unicodeScalars.contains { $0.value < 0x20 }, "control characters are escaped")
            #expect(try JSONValue.parse(serialized) == value)
            // The same text embedded twice (as in a tools/call answer) parses back.
            let nested = JSONValue.array([.string(serialized), value])
            #expect(try JSONValue.parse(nested.compactBytes) == nested)
        }
    }

    @Test("escaping writes the short forms and \\u00XX for other controls")
    func escapeForms() {
        #expect(JSONValue.string("\"\\\n\r\t\u{08}\u{0C}\u{00}\u{1F}é").compactText == #""\"\\\n\r\t\b\f\u0000\u001fé""#)
        #expect(JSONValue.string("plain").compactText == #""plain""#)
    }

    @Test("every ASCII byte at every offset around the 8-byte blocks is escaped as a byte-by-byte reference does")
    func escapeEveryOffset() {
        func reference(_ bytes: [UInt8]) -> String {
            var out = "\""
            for byte in bytes {
                switch byte {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0x08: out += "\\b"
                case 0x0C: out += "\\f"
                case 0..<0x20: out += "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
                default: out += String(UnicodeScalar(byte))
                }
            }
            return out + "\""
        }
        for length in [1, 7, 8, 9, 16, 17] {
            for offset in 0..<length {
                for byte in UInt8(0)..<128 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[offset] = byte
                    // Neighbours just below and above the special bytes must not be taken for them.
                    if offset + 1 < length { bytes[offset + 1] = 0x21 }
                    var out: [UInt8] = []
                    bytes.withUnsafeBufferPointer { JSONValue.writeString(utf8: $0, to: &out) }
                    #expect(String(decoding: out, as: UTF8.self) == reference(bytes), "byte \(byte) at \(offset) of \(length)")
                }
            }
        }
    }

    @Test("an escape followed by non-ASCII and invalid UTF-8 after an escape are told apart")
    func escapeThenUnicode() throws {
        #expect(try JSONValue.parse(#""\né\u00e9x""#) == .string("\né\u{e9}x"))
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }
}
