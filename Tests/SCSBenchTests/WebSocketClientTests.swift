@testable import SCSBench
import Testing

@Suite("The benchmark's WebSocket frames")
struct WebSocketClientTests {
    @Test("a masked frame decodes back to its payload, at each length encoding")
    func roundTrip() {
        for size in [0, 5, 125, 126, 300, 65_535, 65_536, 70_000] {
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let bytes = WebSocketClient.encode(opcode: 0x1, payload: payload, mask: [0xA1, 0x07, 0x3C, 0xFE])
            let decoded = WebSocketClient.decode(bytes[...])
            #expect(decoded == .init(fin: true, opcode: 0x1, payload: payload, length: bytes.count), "size \(size)")
            // Any prefix is incomplete, not a frame.
            #expect(WebSocketClient.decode(bytes.dropLast()) == nil, "size \(size)")
        }
    }

    @Test("a server's unmasked frames are read one at a time from a buffer")
    func unmasked() {
        let close: [UInt8] = [0x88, 0x02, 0x11, 0x5D]  // close 4445
        let text: [UInt8] = [0x01, 0x02] + Array("hi".utf8)  // a first fragment (fin clear)
        let buffer = text + close
        let first = WebSocketClient.decode(buffer[...])
        #expect(first == .init(fin: false, opcode: 0x1, payload: Array("hi".utf8), length: 4))
        let second = WebSocketClient.decode(buffer[4...])
        #expect(second == .init(fin: true, opcode: 0x8, payload: [0x11, 0x5D], length: 4))
    }
}
