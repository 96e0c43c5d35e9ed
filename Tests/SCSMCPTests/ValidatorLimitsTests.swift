import SCSCore
@testable import SCSMCP
import Testing

@Suite("Validation messages never repeat a credential and stay short")
struct ValidatorLimitsTests {
    static let schema: JSONValue = [
        "type": "object",
        "properties": [
            "current_token": ["type": "string", "maxLength": 2048, "pattern": "^sct_[a-f0-9-]{36}$"],
            "auth_token": ["anyOf": [["type": "string", "maxLength": 2048], ["type": "null"]]],
            "query": ["type": "string", "maxLength": 10],
        ],
    ]

    @Test("a token that breaks the schema is named, not quoted")
    func redacted() throws {
        let validator = JSONSchemaValidator(schema: Self.schema, secretProperties: ToolDefinition.secretParameters)
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.signature"
        let pattern = try #require(validator.firstError(["current_token": .string(jwt)]))
        #expect(!pattern.contains("eyJ") && pattern.contains("current_token"), "\(pattern)")
        let typeError = try #require(validator.firstError(["auth_token": ["sct_secret"]]))
        #expect(!typeError.contains("sct_secret") && typeError.contains("auth_token"), "\(typeError)")
    }

    @Test("a huge rejected value is cut in the message")
    func shortened() throws {
        let validator = JSONSchemaValidator(schema: Self.schema)
        let message = try #require(validator.firstError(["query": .string(String(repeating: "q", count: 1 << 20))]))
        #expect(message.hasSuffix("is too long") && message.count < 1_100)
    }
}
