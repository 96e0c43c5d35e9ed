public import NIOCore

/// Decodes frames: a 4-byte big-endian length N, then N bytes. N = 0 or N > `maximumFrameBytes`
/// is a protocol error (the handler closes that connection; the process lives on).
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    public let maximumFrameBytes: Int

    public init(maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes) {
        self.maximumFrameBytes = maximumFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        guard length > 0 else { throw WireError.protocolError("zero-length frame") }
        guard length <= maximumFrameBytes else {
            throw WireError.protocolError("frame of \(length) bytes exceeds the \(maximumFrameBytes)-byte limit")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 { throw WireError.protocolError("connection closed in the middle of a frame") }
        return .needMoreData
    }
}

/// Prefixes each outbound payload with its 4-byte big-endian length.
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = ByteBuffer

    public init() {}

    public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        out.reserveCapacity(4 + data.readableBytes)
        out.writeInteger(UInt32(data.readableBytes), endianness: .big)
        out.writeImmutableBuffer(data)
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the frame decoder and encoder, with the decoder's buffer capped at one frame.
    public func addFrameCodec(maximumFrameBytes: Int) throws {
        try addHandler(ByteToMessageHandler(
            FrameDecoder(maximumFrameBytes: maximumFrameBytes), maximumBufferSize: maximumFrameBytes + 4))
        try addHandler(MessageToByteHandler(FrameEncoder()))
    }
}
