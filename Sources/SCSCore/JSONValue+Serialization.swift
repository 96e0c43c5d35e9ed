extension JSONValue {
    /// Compact JSON text (no spaces), object keys in insertion order, UTF-8 kept as is.
    public var compactText: String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Compact JSON as UTF-8 bytes.
    public var compactBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(to: &out)
        return out
    }

    /// Appends the compact JSON form of this value to `out`.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): Self.writeDouble(d, to: &out)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in object {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeDouble(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        out.append(contentsOf: value.description.utf8)
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Bytes an escape adds for each input byte: 0 (copied as is), 1 (`\"`, `\\`, `\n`, …) or 5 (`\u00XX`).
    static let escapeGrowth: [UInt8] = (0..<256).map { byte in
        switch byte {
        case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: 1
        case 0..<0x20: 5
        default: 0
        }
    }

    static func writeString(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { writeString(utf8: $0, to: &out) }
    }

    /// Appends `bytes` (UTF-8) as a JSON string literal, escaped. The output length is counted
    /// first, so the escaped text is written in one stretch.
    public static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let growth = escapeGrowth.withUnsafeBufferPointer { table in
            var total = 0
            for byte in bytes { total &+= Int(table[Int(byte)]) }
            return total
        }
        out.append(UInt8(ascii: "\""))
        if growth == 0 {
            out.append(contentsOf: bytes)
        } else {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count + growth) { target in
                escapeGrowth.withUnsafeBufferPointer { escape(bytes, into: target, growth: $0) }
                out.append(contentsOf: target)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes the escaped form of `bytes` into `target`, which is exactly as long as it needs
    /// (`growth` is `escapeGrowth`: it decides which bytes are escaped, and how).
    static func escape(
        _ bytes: UnsafeBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<UInt8>, growth: UnsafeBufferPointer<UInt8>
    ) {
        hexDigits.withUnsafeBufferPointer { hex in
            var position = 0
            for byte in bytes {
                switch growth[Int(byte)] {
                case 0:
                    target[position] = byte
                case 1:
                    target[position] = 0x5C
                    switch byte {
                    case 0x0A: target[position + 1] = UInt8(ascii: "n")
                    case 0x0D: target[position + 1] = UInt8(ascii: "r")
                    case 0x09: target[position + 1] = UInt8(ascii: "t")
                    case 0x08: target[position + 1] = UInt8(ascii: "b")
                    case 0x0C: target[position + 1] = UInt8(ascii: "f")
                    default: target[position + 1] = byte  // `"` and `\`
                    }
                default:
                    target[position] = 0x5C
                    target[position + 1] = UInt8(ascii: "u")
                    target[position + 2] = 0x30
                    target[position + 3] = 0x30
                    target[position + 4] = hex[Int(byte >> 4)]
                    target[position + 5] = hex[Int(byte & 0x0F)]
                }
                position += 1 + Int(growth[Int(byte)])
            }
        }
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { compactText }
}
