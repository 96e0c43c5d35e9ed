/// Checks a tools/call answer without building anything: the body must be one well-formed JSON
/// value (strict grammar: strings, escapes, numbers, literals, nesting), `result.isError` must not
/// be true and `result.structuredContent.success` must be true. The load generator's timed calls
/// use it so that its own JSON parsing (a tree of a 30 KB answer costs the client ~0.3 ms) does
/// not add to the server's measured latency; any answer it does not accept is parsed in full to
/// say why.
struct AnswerCheck {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var isError = false
    private var success = false

    /// Whether `body` is a well-formed answer of a successful call.
    static func succeeded(_ body: [UInt8]) -> Bool {
        body.withUnsafeBufferPointer { buffer in
            var check = AnswerCheck(bytes: buffer)
            guard check.value(.top, depth: 0) else { return false }
            check.skipSpace()
            return check.index == buffer.count && !check.isError && check.success
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Which value is being read: only these three are looked into.
    private enum Role { case top, result, structured, other }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func value(_ role: Role, depth: Int) -> Bool {
        guard depth < 64 else { return false }
        skipSpace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object(role, depth: depth)
        case UInt8(ascii: "["):
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return true
            }
            while true {
                guard value(.other, depth: depth + 1) else { return false }
                skipSpace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                guard bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
            }
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    private mutating func object(_ role: Role, depth: Int) -> Bool {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            skipSpace()
            guard let key = string() else { return false }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipSpace()
            switch (role, key) {
            case (.result, "isError"):
                guard let flag = boolean() else { return false }
                isError = flag
            case (.structured, "success"):
                guard let flag = boolean() else { return false }
                success = flag
            case (.top, "result"):
                guard value(.result, depth: depth + 1) else { return false }
            case (.result, "structuredContent"):
                guard value(.structured, depth: depth + 1) else { return false }
            default:
                guard value(.other, depth: depth + 1) else { return false }
            }
            skipSpace()
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "}") { return true }
            guard byte == UInt8(ascii: ",") else { return false }
        }
    }

    private mutating func boolean() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// A string; its text when it has no escapes (keys), "" otherwise; nil when malformed.
    private mutating func string() -> Substring? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let end = index
                index += 1
                return escaped ? "" : Substring(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            if byte < 0x20 { return nil }
            if byte >= 0x80 {
                guard let length = utf8Sequence(at: index) else { return nil }
                index += length
                continue
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count else { return nil }
                    for offset in 1...4 where !Self.isHex(bytes[index + offset]) { return nil }
                    index += 4
                default: return nil
                }
            }
            index += 1
        }
        return nil
    }

    /// The length of the well-formed UTF-8 sequence at `start` (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF), nil when it is not one.
    private func utf8Sequence(at start: Int) -> Int? {
        let lead = bytes[start]
        let (length, low, high): (Int, UInt8, UInt8)
        switch lead {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: return nil
        }
        guard start + length <= bytes.count, (low...high).contains(bytes[start + 1]) else { return nil }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[start + offset]) { return nil }
        return length
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func number() -> Bool {
        func digits(_ check: inout AnswerCheck) -> Int {
            let start = check.index
            while check.index < check.bytes.count, (0x30...0x39).contains(check.bytes[check.index]) { check.index += 1 }
            return check.index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits(&self) == 0 {
            return false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { return false }
        }
        return true
    }
}
