import FuzzSupport
import SCSCore
import SCSMCP

/// The schema validator: any JSON arguments against a tool-like schema (bounds, patterns, anyOf,
/// enums, nested arrays) get a verdict, never a trap; a credential is never repeated.
let schema: JSONValue = [
    "type": "object",
    "required": ["session_id"],
    "properties": [
        "session_id": ["type": "string", "maxLength": 24],
        "current_token": ["type": "string", "maxLength": 2048, "pattern": "^sct_[a-f0-9-]{36}$"],
        "auth_token": ["anyOf": [["type": "string", "maxLength": 2048], ["type": "null"]], "default": .null],
        "limit": ["type": "integer", "minimum": 1, "maximum": 1000, "default": 50],
        "fuzzy_threshold": ["type": "number", "minimum": 0, "maximum": 100],
        "parent_message_id": ["type": ["integer", "null"], "maximum": 9_007_199_254_740_991],
        "search_scope": ["type": "string", "enum": ["all", "public", "private"], "maxLength": 64],
        "requested_permissions": ["type": "array", "maxItems": 16, "items": ["type": "string", "maxLength": 64]],
        "metadata": ["anyOf": [["type": "object", "additionalProperties": true], ["type": "null"]]],
        "value": ["type": ["object", "array", "string", "number", "boolean"]],
    ],
]
let validator = JSONSchemaValidator(schema: schema, secretProperties: ["auth_token", "current_token"])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchema(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, let value = try? JSONValue.parse(UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    if let message = validator.firstError(value), case .object(let object) = value {
        for name in ["auth_token", "current_token"] {
            if case .string(let secret)? = object[name], secret.count >= 8 {
                precondition(!message.contains(secret), "a credential was repeated")
            }
        }
    }
    return 0
}

@_cdecl("FuzzSchema_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSchema)
}
