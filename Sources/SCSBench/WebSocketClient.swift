import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A blocking WebSocket client (RFC 6455) over an `HTTPConnection`, for the fan-out benchmark:
/// the upgrade, masked text frames out, frames in (pings answered, fragments joined).
final class WebSocketClient: @unchecked Sendable {
    enum Frame: Equatable {
        case text(String)
        case close(code: UInt16?)
    }

    struct Decoded: Equatable {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]
        /// Bytes the frame took in the buffer.
        var length: Int
    }

    let connection: HTTPConnection

    /// Connects and upgrades `path`; `timeout` bounds every later read.
    init(port: Int, path: String, headers: [(String, String)] = [], timeout: Int = 15) throws {
        connection = try HTTPConnection(port: port)
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(connection.fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let upgrade = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13")]
        let response = try connection.request("GET", path: path, headers: upgrade + headers, body: [])
        guard response.status == 101 else {
            throw HTTPConnection.Failure(description: "WebSocket upgrade of \(path) answered \(response.status)")
        }
    }

    func send(text: String) throws {
        try connection.write(Self.encode(opcode: 0x1, payload: Array(text.utf8), mask: (0..<4).map { _ in UInt8.random(in: 0...255) }))
    }

    /// The next text or close frame.
    func receive() throws -> Frame {
        var message: [UInt8] = []
        while true {
            guard let frame = Self.decode(connection.buffer[connection.cursor...]) else {
                try connection.fill()
                continue
            }
            connection.cursor += frame.length
            switch frame.opcode {
            case 0x8:
                let code = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : nil
                return .close(code: code)
            case 0x9:
                try connection.write(Self.encode(opcode: 0xA, payload: frame.payload, mask: [1, 2, 3, 4]))
            case 0x0, 0x1:
                message += frame.payload
                if frame.fin { return .text(String(decoding: message, as: UTF8.self)) }
            default:
                continue
            }
        }
    }

    /// Ends the connection (a blocked `receive` in another thread returns with an error).
    func shutdown() { _ = Glibc.shutdown(connection.fd, Int32(SHUT_RDWR)) }

    static func encode(opcode: UInt8, payload: [UInt8], mask: [UInt8]) -> [UInt8] {
        precondition(mask.count == 4)
        var out: [UInt8] = [0x80 | opcode]
        switch payload.count {
        case ..<126:
            out.append(0x80 | UInt8(payload.count))
        case ...0xFFFF:
            out += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            out.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        out += mask
        for (index, byte) in payload.enumerated() { out.append(byte ^ mask[index % 4]) }
        return out
    }

    /// The first frame in `bytes`, or nil while it is incomplete.
    static func decode(_ bytes: ArraySlice<UInt8>) -> Decoded? {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { return nil }
        let first = bytes[start], second = bytes[start + 1]
        var length = Int(second & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = (0..<8).reduce(0) { $0 << 8 | Int(bytes[start + 2 + $1]) }
            offset = 10
        }
        let masked = second & 0x80 != 0
        let mask = masked ? Array(bytes[(start + offset)..<min(bytes.endIndex, start + offset + 4)]) : []
        if masked { offset += 4 }
        guard mask.count == (masked ? 4 : 0), bytes.count >= offset + length else { return nil }
        var payload = Array(bytes[(start + offset)..<(start + offset + length)])
        if masked { for index in payload.indices { payload[index] ^= mask[index % 4] } }
        return Decoded(fin: first & 0x80 != 0, opcode: first & 0x0F, payload: payload, length: offset + length)
    }
}
