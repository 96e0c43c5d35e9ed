import Foundation
public import SCSCore
import Synchronization
import OrderedCollections

/// Validates tool arguments against a tool's input schema (the JSON Schema subset MCP tool schemas
/// use) and reports the error the Python server reports: `jsonschema`'s `best_match` — the
/// shallowest error, `anyOf` counted as weak, the first among equals — with its exact wording.
public struct JSONSchemaValidator: Sendable {
    public let schema: JSONValue
    /// Top-level properties whose values are credentials: a message about them names the
    /// property and never repeats the value (README, "Limits").
    public let secretProperties: Set<String>

    public init(schema: JSONValue, secretProperties: Set<String> = []) {
        self.schema = schema
        self.secretProperties = secretProperties
    }

    /// Longest rendering of a rejected value in a message; longer ones are cut (the Python server
    /// repeats the whole value, which for a 1 MiB string is a 1 MiB error).
    static let maxReprLength = 1_000

    /// The value as the message shows it.
    static func shown(_ instance: JSONValue, path: [String], secrets: Set<String>) -> String {
        if let top = path.first, secrets.contains(top) { return "the value of \(PythonRepr.string(top))" }
        let repr = PythonRepr.of(instance)
        guard repr.unicodeScalars.count > maxReprLength else { return repr }
        return String(String.UnicodeScalarView(repr.unicodeScalars.prefix(maxReprLength))) + "…"
    }

    struct Violation {
        /// The message is written only for the violation that is reported: most are found in
        /// `anyOf` branches that fail by design (`null` against `{"type": "integer"}`) and dropped.
        private let describe: () -> String
        let path: [String]
        let weak: Bool
        /// The instance matches the failing schema's `type` (jsonschema's `_matches_type`).
        var matchesType = false
        var depth: Int { path.count }
        var message: String { describe() }

        init(message: @autoclosure @escaping () -> String, path: [String], weak: Bool) {
            describe = message
            self.path = path
            self.weak = weak
        }
    }

    /// jsonschema's `relevance` key compared as Python compares tuples: shallower first, then the
    /// larger path (Python's `max` over sibling paths), then non-weak, then not matching the type.
    static func isMoreRelevant(_ a: Violation, than b: Violation) -> Bool {
        if a.depth != b.depth { return a.depth < b.depth }
        if a.path != b.path { return a.path.lexicographicallyPrecedes(b.path) == false }
        if a.weak != b.weak { return !a.weak }
        if a.matchesType != b.matchesType { return !a.matchesType }
        return false
    }

    /// nil when `instance` is valid, else the message (without the `Input validation error: ` prefix).
    public func firstError(_ instance: JSONValue) -> String? {
        var violations: [Violation] = []
        Self.validate(instance, schema, path: [], secrets: secretProperties, into: &violations)
        // Python's max(): the first of equally relevant errors wins.
        var best: Violation?
        for violation in violations where best == nil || Self.isMoreRelevant(violation, than: best!) { best = violation }
        return best?.message
    }

    static func validate(_ instance: JSONValue, _ schema: JSONValue, path: [String], secrets: Set<String> = [], into out: inout [Violation]) {
        guard case .object(let keywords) = schema else { return }
        let repr = { shown(instance, path: path, secrets: secrets) }
        let start = out.count
        defer {
            // jsonschema's `_matches_type` looks at the failing schema's own `type`.
            let types = keywords["type"].map { $0.arrayValue?.compactMap(\.stringValue) ?? $0.stringValue.map { [$0] } ?? [] }
            let matching = types.map { $0.contains { matches(instance, type: $0) } } ?? false
            for index in start..<out.count where out[index].path == path { out[index].matchesType = matching }
        }
        for (keyword, argument) in keywords {
            switch keyword {
            case "type":
                let types = argument.arrayValue?.compactMap(\.stringValue) ?? argument.stringValue.map { [$0] } ?? []
                if !types.contains(where: { matches(instance, type: $0) }) {
                    out.append(Violation(message: "\(repr()) is not of type \(types.map(PythonRepr.string).joined(separator: ", "))", path: path, weak: false))
                }
            case "properties":
                guard case .object(let object) = instance, case .object(let properties) = argument else { continue }
                for (name, subschema) in properties {
                    if let value = object[name] { validate(value, subschema, path: path + [name], secrets: secrets, into: &out) }
                }
            case "required":
                guard case .object(let object) = instance else { continue }
                for name in argument.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                    out.append(Violation(message: "\(PythonRepr.string(name)) is a required property", path: path, weak: false))
                }
            case "additionalProperties":
                guard case .object(let object) = instance else { continue }
                let declared = Set(keywords["properties"]?.objectValue?.keys.map { $0 } ?? [])
                let extras = object.keys.filter { !declared.contains($0) }
                if argument == .bool(false), !extras.isEmpty {
                    let names = extras.map(PythonRepr.string).joined(separator: ", ")
                    out.append(Violation(
                        message: "Additional properties are not allowed (\(names) \(extras.count == 1 ? "was" : "were") unexpected)",
                        path: path, weak: false))
                } else if case .object = argument {
                    for name in extras { validate(object[name]!, argument, path: path + [name], secrets: secrets, into: &out) }
                }
            case "items":
                guard case .array(let items) = instance else { continue }
                for (index, item) in items.enumerated() { validate(item, argument, path: path + [String(index)], secrets: secrets, into: &out) }
            case "minLength", "maxLength":
                guard case .string(let text) = instance, let bound = argument.intValue else { continue }
                let length = Int64(text.unicodeScalars.count)
                if keyword == "minLength", length < bound {
                    out.append(Violation(message: "\(repr()) \(bound == 1 ? "should be non-empty" : "is too short")", path: path, weak: false))
                } else if keyword == "maxLength", length > bound {
                    out.append(Violation(message: "\(repr()) is too long", path: path, weak: false))
                }
            case "minItems", "maxItems":
                guard case .array(let items) = instance, let bound = argument.intValue else { continue }
                if keyword == "minItems", Int64(items.count) < bound {
                    out.append(Violation(message: "\(repr()) \(bound == 1 ? "should be non-empty" : "is too short")", path: path, weak: false))
                } else if keyword == "maxItems", Int64(items.count) > bound {
                    out.append(Violation(message: "\(repr()) is too long", path: path, weak: false))
                }
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                guard isNumber(instance), let value = instance.doubleValue, let bound = argument.doubleValue else { continue }
                let limit = { PythonRepr.of(argument) }  // only for a message: most values pass
                switch keyword {
                case "minimum" where value < bound:
                    out.append(Violation(message: "\(repr()) is less than the minimum of \(limit())", path: path, weak: false))
                case "maximum" where value > bound:
                    out.append(Violation(message: "\(repr()) is greater than the maximum of \(limit())", path: path, weak: false))
                case "exclusiveMinimum" where value <= bound:
                    out.append(Violation(message: "\(repr()) is less than or equal to the minimum of \(limit())", path: path, weak: false))
                case "exclusiveMaximum" where value >= bound:
                    out.append(Violation(message: "\(repr()) is greater than or equal to the maximum of \(limit())", path: path, weak: false))
                default: break
                }
            case "pattern":
                guard case .string(let text) = instance, let pattern = argument.stringValue else { continue }
                if !RegexCache.shared.search(pattern, in: text) {
                    out.append(Violation(message: "\(repr()) does not match \(PythonRepr.string(pattern))", path: path, weak: false))
                }
            case "enum":
                guard let options = argument.arrayValue, !options.contains(where: { equal($0, instance) }) else { continue }
                out.append(Violation(message: "\(repr()) is not one of \(PythonRepr.of(argument))", path: path, weak: false))
            case "const":
                if !equal(argument, instance) {
                    out.append(Violation(message: "\(PythonRepr.of(argument)) was expected", path: path, weak: false))
                }
            case "anyOf", "oneOf":
                let branches = argument.arrayValue ?? []
                let passing = branches.filter { branch in
                    var nested: [Violation] = []
                    validate(instance, branch, path: path, secrets: secrets, into: &nested)
                    return nested.isEmpty
                }
                if passing.isEmpty {
                    out.append(Violation(message: "\(repr()) is not valid under any of the given schemas", path: path, weak: true))
                } else if keyword == "oneOf", passing.count > 1 {
                    out.append(Violation(message: "\(repr()) is valid under each of the given schemas", path: path, weak: true))
                }
            default:
                continue  // title, default, examples, description, …
            }
        }
    }

    static func isNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .int, .double: return true
        default: return false
        }
    }

    /// jsonschema's type checks: integers include integral floats; booleans are not numbers.
    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("integer", .int), ("number", .int), ("number", .double): return true
        case ("integer", .double(let d)): return d.rounded() == d && d.isFinite
        default: return false
        }
    }

    /// JSON equality where 1 == 1.0 (as Python compares them).
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if isNumber(a), isNumber(b) { return a.doubleValue == b.doubleValue }
        return a == b
    }
}

/// Compiled patterns (`re.search` semantics: a match anywhere).
final class RegexCache: Sendable {
    static let shared = RegexCache()
    private let cache = Mutex<[String: NSRegularExpression]>([:])

    func search(_ pattern: String, in text: String) -> Bool {
        let regex: NSRegularExpression? = cache.withLock { cache in
            if let cached = cache[pattern] { return cached }
            let compiled = try? NSRegularExpression(pattern: pattern)
            if let compiled { cache[pattern] = compiled }
            return compiled
        }
        guard let regex else { return true }  // an invalid pattern in our own schema rejects nothing
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
