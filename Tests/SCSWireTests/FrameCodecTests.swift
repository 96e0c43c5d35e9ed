import NIOCore
import NIOEmbedded
import SCSCore
@testable import SCSWire
import Testing
import OrderedCollections

@Suite("Frame codec, adversarially")
struct FrameCodecTests {
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        let length = UInt32(payload.count)
        bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        return bytes + payload
    }

    static func channel(max: Int = 1_024) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: max)
        return channel
    }

    static func readAll(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { frames.append(Array(buffer.readableBytesView)) }
        return frames
    }

    static let payloads: [[UInt8]] = [Array(#"{"id":1,"method":"a","params":{}}"#.utf8), [0x7B, 0x7D], Array(repeating: 0x61, count: 700)]

    @Test("frames split at every byte boundary decode identically")
    func dripFed() throws {
        let stream = Self.payloads.flatMap(Self.frame)
        for split in 1..<min(stream.count, 60) {
            let channel = try Self.channel()
            var frames: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + split)
                try channel.writeInbound(ByteBuffer(bytes: stream[offset..<end]))
                frames += try Self.readAll(channel)
                offset = end
            }
            #expect(frames == Self.payloads, "split \(split)")
            _ = try channel.finish()
        }
        // One byte at a time, all the way.
        let channel = try Self.channel()
        var frames: [[UInt8]] = []
        for byte in stream {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            frames += try Self.readAll(channel)
        }
        #expect(frames == Self.payloads)
        _ = try channel.finish()
    }

    @Test("many frames coalesced in one read")
    func coalesced() throws {
        let channel = try Self.channel()
        let many = Array(repeating: Self.payloads, count: 50).flatMap { $0 }
        try channel.writeInbound(ByteBuffer(bytes: many.flatMap(Self.frame)))
        #expect(try Self.readAll(channel) == many)
        _ = try channel.finish()
    }

    @Test("zero length, oversized and truncated frames are protocol errors")
    func malformed() throws {
        for bad in [[0, 0, 0, 0], [0, 0, 4, 1] + Array(repeating: UInt8(0x61), count: 10)] as [[UInt8]] {
            let channel = try Self.channel()
            #expect(throws: (any Error).self) { try channel.writeInbound(ByteBuffer(bytes: bad)) }
            _ = try? channel.finish()
        }
        // The length alone (4 GiB announced) is refused before any payload arrives.
        let huge = try Self.channel()
        #expect(throws: (any Error).self) { try huge.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF])) }
        _ = try? huge.finish()
        let truncated = try Self.channel()
        try truncated.writeInbound(ByteBuffer(bytes: Array(Self.frame(Self.payloads[0]).dropLast(3))))
        #expect(try Self.readAll(truncated).isEmpty)
        #expect(throws: (any Error).self) { _ = try truncated.finish() }
    }

    @Test("the encoder prefixes the big-endian length")
    func encoder() throws {
        let channel = try Self.channel()
        try channel.writeOutbound(ByteBuffer(bytes: Self.payloads[1]))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(written.readableBytesView) == Self.frame(Self.payloads[1]))
        _ = try channel.finish()
    }

    @Test("envelopes: the five shapes round-trip; anything else is a protocol error")
    func envelopes() throws {
        let all: [WireEnvelope] = [
            .hello(Hello(role: .search, pid: 42, version: "1.0")), .request(id: 7, method: "search.query", params: ["q": "x"]),
            .request(id: 9, method: "search.query", params: [:], requestID: "trace-1.a"),
            .response(id: 7, result: [1, 2]), .failure(id: 8, error: ["code": "X", "message": "y"]),
            .event(name: "memory.expired", data: ["items": []]),
        ]
        for envelope in all { #expect(try WireEnvelope(frame: envelope.buffer()) == envelope) }
        for bad in ["[1]", "{}", #"{"id":1}"#, #"{"hello":{"role":"nope","protocol":1,"pid":1}}"#, "{not json", "\u{FF}"] {
            #expect(throws: WireError.self) { try WireEnvelope(frame: ByteBuffer(string: bad)) }
        }
        #expect(throws: WireError.self) { try WireEnvelope(frame: ByteBuffer(bytes: [0x22, 0xC3, 0x28, 0x22])) }
        // A request id that is not well-formed is dropped, never carried into a log line.
        let forged = try WireEnvelope(frame: ByteBuffer(string: #"{"id":3,"method":"m","params":{},"rid":"a b\n"}"#))
        #expect(forged == .request(id: 3, method: "m", params: [:], requestID: nil))
    }

    @Test("typed methods and domain values survive the wire; SCSError keeps its envelope")
    func typedValues() throws {
        let identity = AgentIdentity(agentID: "a", agentType: "claude", permissions: [.read, .write])
        let params = SearchMethod.Params(identity: identity, sessionID: "session_0123456789abcdef", query: "q", threshold: 55.5, limit: 3, searchMetadata: false, scope: .private)
        let decoded = try SearchMethod.Params(wire: params.wire)
        #expect(decoded.identity == identity && decoded.threshold == 55.5 && decoded.scope == .private && !decoded.searchMetadata)
        let message = Message(id: 9, sessionID: "s", sender: "a", senderType: "claude", content: "hi", visibility: .agentOnly, metadata: ["k": 1], timestamp: 12.5, parentMessageID: 3)
        #expect(try Message(wire: message.wire) == message)
        let entry = MemoryEntry(agentID: "a", key: "k", scope: .session("s"), value: [1, "two"], createdAt: 1, updatedAt: 2, expiresAt: 3)
        #expect(try MemoryEntry(wire: entry.wire) == entry)
        let error = SCSError.workerUnavailable(role: "search", retryAfter: 2)
        #expect(SCSError(wire: error.wire) == error)
        #expect(throws: WireError.self) { try SearchMethod.Params(wire: ["identity": identity.wire]) }
        // Scopes are enums on both sides: a name the worker does not know is a protocol error.
        guard case .object(var unknownScope) = params.wire else { Issue.record("params are an object"); return }
        unknownScope["search_scope"] = "secret"
        #expect(throws: WireError.self) { try SearchMethod.Params(wire: .object(unknownScope)) }
        for scope in [MemoryScopeFilter.global, .all, .session("session_0123456789abcdef")] {
            let list = MemoryListMethod.Params(identity: identity, scope: scope, prefix: "p", limit: 7, includeValues: true)
            let back = try MemoryListMethod.Params(wire: list.wire).request
            #expect(back.scope == scope && back.prefix == "p" && back.limit == 7 && back.includeValues && back.agent == identity)
        }
        #expect(throws: WireError.self) { try MemoryListMethod.Params(wire: ["identity": identity.wire, "scope": "every", "limit": 1]) }
    }
}
