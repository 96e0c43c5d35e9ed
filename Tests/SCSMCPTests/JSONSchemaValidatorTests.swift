import Foundation
import SCSCore
@testable import SCSMCP
import Testing
import OrderedCollections

@Suite("Tool argument validation matches Python jsonschema (golden corpus)")
struct JSONSchemaValidatorTests {
    static func fixture(_ name: String) -> JSONValue {
        let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONValue.parse(Array(try! Data(contentsOf: url)))
    }

    @Test("every case gives jsonschema's verdict and message")
    func golden() throws {
        let tools = try #require(Self.fixture("anchor-tool-schemas")["tools"]?.objectValue)
        let cases = try #require(Self.fixture("golden-validation")["cases"]?.arrayValue)
        #expect(cases.count > 1_000)
        var mismatches: [String] = []
        for testCase in cases {
            let tool = testCase["tool"]!.stringValue!
            let schema = try #require(tools[tool]?["inputSchema"])
            let got = JSONSchemaValidator(schema: schema).firstError(testCase["arguments"]!)
            let want = testCase["error"]!.stringValue
            if got != want { mismatches.append("\(tool) \(testCase["arguments"]!): want \(want ?? "valid"), got \(got ?? "valid")") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches: \(mismatches.prefix(6))")
        #expect(cases.contains { $0["error"] == .null } && cases.contains { $0["error"] != .null })
    }

    @Test("Python repr of values")
    func repr() {
        #expect(PythonRepr.of(nil) == "None" && PythonRepr.of(true) == "True" && PythonRepr.of(5.0) == "5.0")
        #expect(PythonRepr.of("it's") == "\"it's\"" && PythonRepr.of("a'\"b") == "'a\\'\"b'" && PythonRepr.of("x\ny") == "'x\\ny'")
        #expect(PythonRepr.of(["a": [1, "b"]]) == "{'a': [1, 'b']}")
    }
}

@Suite("JSON-RPC messages")
struct JSONRPCTests {
    func parse(_ text: String) throws(JSONRPC.Failure) -> [Result<JSONRPC.Message, JSONRPC.Failure>] {
        try JSONRPC.body(Array(text.utf8))
    }

    @Test("requests, notifications, responses and batches")
    func shapes() throws {
        let request = try parse(#"{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":null}}"#)
        #expect(try request[0].get() == .request(id: .int(7), method: "tools/list", params: ["cursor": nil]))
        let notification = try parse(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        #expect(try notification[0].get() == .notification(method: "notifications/initialized", params: [:]))
        let stringID = try parse(#"{"jsonrpc":"2.0","id":"abc","method":"ping"}"#)
        #expect(try stringID[0].get() == .request(id: .string("abc"), method: "ping", params: [:]))
        let batch = try parse(#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"1.0","id":2,"method":"ping"}]"#)
        #expect(batch.count == 2)
        #expect(throws: JSONRPC.Failure.self) { try batch[1].get() }
        if case .failure(let failure) = batch[1] { #expect(failure.code == .invalidRequest && failure.id == .int(2)) }
        let response = try parse(#"{"jsonrpc":"2.0","id":3,"result":{}}"#)
        if case .success(.response(let id, _)) = response[0] { #expect(id == .int(3)) } else { Issue.record("not a response") }
    }

    @Test("parse error, invalid request, invalid params")
    func failures() throws {
        for (text, code) in [
            ("{not json", JSONRPC.ErrorCode.parseError), ("[]", .invalidRequest),
        ] {
            let error = #expect(throws: JSONRPC.Failure.self) { try parse(text) }
            #expect(error?.code == code)
        }
        for (text, code) in [
            (#"{"jsonrpc":"2.0","id":1}"#, JSONRPC.ErrorCode.invalidRequest), ("5", .invalidRequest),
            (#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#, .invalidParams),
            (#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#, .invalidRequest),
        ] {
            let result = try parse(text)[0]
            if case .failure(let failure) = result { #expect(failure.code == code, "\(text)") } else { Issue.record("accepted \(text)") }
        }
        let error = JSONRPC.error(id: nil, code: .parseError, message: "Parse error")
        #expect(error.compactText == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#)
        #expect(JSONRPC.result(id: .string("a"), [:]).compactText == #"{"jsonrpc":"2.0","id":"a","result":{}}"#)
    }
}
