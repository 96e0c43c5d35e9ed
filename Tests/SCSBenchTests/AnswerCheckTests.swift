@testable import SCSBench
import SCSCore
import Testing
import OrderedCollections

@Suite("The load generator's answer check")
struct AnswerCheckTests {
    static func answer(isError: JSONValue = false, success: JSONValue = true, extra: JSONObject = [:]) -> [UInt8] {
        var structured: JSONObject = ["success": success, "messages": [["id": 1, "content": "a \"quoted\" \\ line\n\u{1F600}"]]]
        for (key, value) in extra { structured[key] = value }
        let text = JSONValue.object(structured).compactText
        return JSONValue.object([
            "jsonrpc": "2.0", "id": 7,
            "result": ["content": [["type": "text", "text": .string(text)]], "structuredContent": .object(structured), "isError": isError],
        ]).compactBytes
    }

    @Test("accepts a successful answer, refuses isError, success false and a missing result")
    func verdicts() {
        #expect(AnswerCheck.succeeded(Self.answer()))
        #expect(AnswerCheck.succeeded(Self.answer(extra: ["n": -12.5e-3, "z": 0, "e": [], "o": [:], "u": "\u{0001}"])))
        #expect(!AnswerCheck.succeeded(Self.answer(isError: true)))
        #expect(!AnswerCheck.succeeded(Self.answer(success: false)))
        #expect(!AnswerCheck.succeeded(Self.answer(success: "yes")))
        #expect(!AnswerCheck.succeeded(JSONValue.object(["jsonrpc": "2.0", "id": 1, "error": ["code": -32601, "message": "x"]]).compactBytes))
        // `success` only counts inside result.structuredContent.
        #expect(!AnswerCheck.succeeded(JSONValue.object(["result": ["success": true], "structuredContent": ["success": true]]).compactBytes))
    }

    @Test("agrees with the full parser on every truncation and on corrupted bytes")
    func malformed() throws {
        let good = Self.answer()
        #expect(try JSONValue.parse(good)["result"]?["isError"] == false)
        for length in 0..<good.count {
            #expect(!AnswerCheck.succeeded(Array(good.prefix(length))), "prefix \(length)")
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            var bytes = good
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            // Whenever the check accepts, the bytes must still be valid JSON with the same verdict.
            if AnswerCheck.succeeded(bytes) {
                let parsed = try JSONValue.parse(bytes)
                #expect(parsed["result"]?["isError"] != true)
                #expect(parsed["result"]?["structuredContent"]?["success"] == true)
            }
        }
        for bad in [#"{"result":{"structuredContent":{"success":true}}"#, #"{"result":{"structuredContent":{"success":true}},}"#,
                    #"{"result":{"structuredContent":{"success":tru}}}"#, #"{"a":01,"result":{"structuredContent":{"success":true}}}"#,
                    #"{"a":"\x","result":{"structuredContent":{"success":true}}}"#] {
            #expect(AnswerCheck.succeeded(Array(bad.utf8)) == ((try? JSONValue.parse(Array(bad.utf8))) != nil), "\(bad)")
        }
    }
}
