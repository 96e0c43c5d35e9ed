import SCSCore
import Testing

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
}
