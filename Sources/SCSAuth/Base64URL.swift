/// Base64url without padding (RFC 7515 §2), as JWTs use it. Written out by hand: every token
/// issued or checked goes through it, and Foundation's base64 plus character replacement cost
/// more than the HMAC itself.
public enum Base64URL {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The 6-bit value of each alphabet byte; 0xFF for every other byte.
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count * 4 + 2) / 3)
        alphabet.withUnsafeBufferPointer { table in
            var index = 0
            while index + 3 <= input.count {
                let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                out.append(table[Int(group >> 18)])
                out.append(table[Int(group >> 12 & 0x3F)])
                out.append(table[Int(group >> 6 & 0x3F)])
                out.append(table[Int(group & 0x3F)])
                index += 3
            }
            let rest = input.count - index
            if rest > 0 {
                let group = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
                out.append(table[Int(group >> 18)])
                out.append(table[Int(group >> 12 & 0x3F)])
                if rest == 2 { out.append(table[Int(group >> 6 & 0x3F)]) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil for anything that is not strict base64url (padding tolerated).
    static func decode(_ text: Substring) -> [UInt8]? {
        var body = text.utf8[...]
        while body.last == UInt8(ascii: "=") { body = body.dropLast() }
        guard body.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(body.count * 3 / 4)
        var group: UInt32 = 0
        var filled = 0
        let valid = values.withUnsafeBufferPointer { table -> Bool in
            for byte in body {
                let value = table[Int(byte)]
                if value == 0xFF { return false }
                group = group << 6 | UInt32(value)
                filled += 1
                if filled == 4 {
                    out.append(UInt8(truncatingIfNeeded: group >> 16))
                    out.append(UInt8(truncatingIfNeeded: group >> 8))
                    out.append(UInt8(truncatingIfNeeded: group))
                    group = 0
                    filled = 0
                }
            }
            return true
        }
        guard valid else { return nil }
        switch filled {
        case 2: out.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            out.append(UInt8(truncatingIfNeeded: group >> 10))
            out.append(UInt8(truncatingIfNeeded: group >> 2))
        default: break
        }
        return out
    }

    static func isAlphabet(_ byte: UInt8) -> Bool { values[Int(byte)] != 0xFF }
}
