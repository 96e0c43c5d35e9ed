public import NIOCore
import SCSCore

/// Decodes frames: a 4-byte big-endian length N, then N bytes. N = 0 or N > `maximumFrameBytes`
/// is a protocol error (the handler closes that connection; the process lives on).
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    /// What an oversized frame does.
    public enum Oversized: Sendable {
        /// A protocol error: the connection closes (a server facing an unknown peer).
        case close
        /// The frame is read past without being kept, and an error answer to the request it names
        /// takes its place (a client: one oversized answer fails that request, not the stream).
        case failRequest
    }

    public let maximumFrameBytes: Int
    public let oversized: Oversized
    /// Bytes of an oversized frame still to be skipped.
    private var skipping = 0

    public init(maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes, oversized: Oversized = .close) {
        self.maximumFrameBytes = maximumFrameBytes
        self.oversized = oversized
    }

    /// How much of an oversized frame is read to find the id it answers.
    static let idPrefixBytes = 64

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if skipping > 0 {
            let skipped = min(skipping, buffer.readableBytes)
            buffer.moveReaderIndex(forwardBy: skipped)
            skipping -= skipped
            return skipping == 0 ? .continue : .needMoreData
        }
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        guard length > 0 else { throw WireError.protocolError("zero-length frame") }
        guard length <= maximumFrameBytes else {
            guard oversized == .failRequest else {
                throw WireError.protocolError("frame of \(length) bytes exceeds the \(maximumFrameBytes)-byte limit")
            }
            guard buffer.readableBytes >= 4 + Self.idPrefixBytes else { return .needMoreData }
            let prefix = buffer.getBytes(at: buffer.readerIndex + 4, length: Self.idPrefixBytes) ?? []
            guard let id = WireEnvelope.leadingID(prefix) else {
                throw WireError.protocolError("frame of \(length) bytes exceeds the \(maximumFrameBytes)-byte limit and names no request")
            }
            buffer.moveReaderIndex(forwardBy: 4)
            skipping = Int(length)
            let failure = WireEnvelope.failure(id: id, error: SCSError.resultTooLarge(limit: maximumFrameBytes).wire)
            context.fireChannelRead(wrapInboundOut(failure.buffer()))
            return .continue
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
    public func addFrameCodec(maximumFrameBytes: Int, oversized: FrameDecoder.Oversized = .close) throws {
        try addHandler(ByteToMessageHandler(
            FrameDecoder(maximumFrameBytes: maximumFrameBytes, oversized: oversized), maximumBufferSize: maximumFrameBytes + 4))
        try addHandler(MessageToByteHandler(FrameEncoder()))
    }
}
