import FuzzSupport
import NIOCore
import NIOEmbedded
import SCSCore
import SCSWire

/// Frame decoding and envelope decoding: any byte stream, fed in one piece or byte by byte, into
/// either decoder mode, gives frames or a protocol error — never a trap — and every frame that
/// decodes to an envelope re-encodes to one that decodes the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for mode in [FrameDecoder.Oversized.close, .failRequest] {
        let channel = EmbeddedChannel()
        try? channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: 512, oversized: mode)
        let split = bytes.isEmpty ? 0 : Int(bytes[0]) % max(1, bytes.count)
        for part in [bytes[..<split], bytes[split...]] where !part.isEmpty {
            if (try? channel.writeInbound(ByteBuffer(bytes: part))) == nil { break }
        }
        while let frame = try? channel.readInbound(as: ByteBuffer.self) {
            guard let envelope = try? WireEnvelope(frame: frame) else { continue }
            precondition((try? WireEnvelope(frame: envelope.buffer())) == envelope, "envelope round trip")
        }
        _ = try? channel.finish()
    }
    if let envelope = try? WireEnvelope(frame: ByteBuffer(bytes: bytes)) {
        precondition((try? WireEnvelope(frame: envelope.buffer())) == envelope, "envelope round trip")
    }
    _ = WireEnvelope.leadingID(bytes)
    return 0
}

@_cdecl("FuzzWire_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzWire)
}
