import NIOCore
import NIOEmbedded
import SCSCore
@testable import SCSWire
import Testing

@Suite("An oversized or unreadable answer fails its request, not the stream")
struct OversizedAnswerTests {
    static func channel(max: Int) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: max, oversized: .failRequest)
        return channel
    }

    static func frame(_ envelope: WireEnvelope) -> ByteBuffer {
        let payload = envelope.json.compactBytes
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.count), endianness: .big)
        buffer.writeBytes(payload)
        return buffer
    }

    @Test("an answer over the cap becomes RESULT_TOO_LARGE for its id; the next answer still arrives, drip-fed or whole")
    func oversizedAnswerIsSkipped() throws {
        let big = Self.frame(.response(id: 7, result: .string(String(repeating: "€", count: 2_000))))
        let next = Self.frame(.response(id: 8, result: "ok"))
        var stream = big
        stream.writeImmutableBuffer(next)
        for chunk in [1, 3, 64, 100_000] {
            let channel = try Self.channel(max: 1_024)
            var rest = stream
            while rest.readableBytes > 0 {
                try channel.writeInbound(rest.readSlice(length: min(chunk, rest.readableBytes))!)
            }
            var decoded: [WireEnvelope] = []
            while let buffer = try channel.readInbound(as: ByteBuffer.self) { decoded.append(try WireEnvelope(frame: buffer)) }
            #expect(decoded.count == 2, "chunk \(chunk)")
            guard case .failure(7, let error)? = decoded.first else { Issue.record("no failure for id 7: \(decoded)"); continue }
            #expect(error["code"] == "RESULT_TOO_LARGE")
            #expect(decoded.last == .response(id: 8, result: "ok"))
            _ = try channel.finish()
        }
    }

    @Test("an oversized frame that names no request still closes the connection")
    func oversizedWithoutID() throws {
        let channel = try Self.channel(max: 16)
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(100), endianness: .big)
        buffer.writeBytes(Array(repeating: UInt8(ascii: "x"), count: 100))
        #expect(throws: (any Error).self) { try channel.writeInbound(buffer) }
    }

    @Test("the leading id is read from our envelopes and nothing else")
    func leadingID() {
        #expect(WireEnvelope.leadingID(WireEnvelope.response(id: 123_456, result: [:]).json.compactBytes) == 123_456)
        #expect(WireEnvelope.leadingID(WireEnvelope.failure(id: 0, error: [:]).json.compactBytes) == 0)
        #expect(WireEnvelope.leadingID(Array(#"{"id":"7"}"#.utf8)) == nil)
        #expect(WireEnvelope.leadingID(Array(#"{"result":1,"id":7}"#.utf8)) == nil)
        #expect(WireEnvelope.leadingID(Array(#"{"id":9999999999999999999999}"#.utf8)) == nil)
        #expect(WireEnvelope.leadingID(Array(#"{"id":"#.utf8)) == nil)
    }
}
