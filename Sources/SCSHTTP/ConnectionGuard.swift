import HTTPTypes
public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTPTypes
import SCSCore
import Synchronization

/// Open connections per client key (an IPv4 address, an IPv6 /64), shared by every connection
/// of one server; past `maximumPerClient` a new connection from that client is closed at once.
public final class ClientConnections: Sendable {
    public let maximumPerClient: Int
    private let counts = Mutex<[String: Int]>([:])
    private let refusedCount = Atomic<Int>(0)

    public init(maximumPerClient: Int) { self.maximumPerClient = maximumPerClient }

    /// Takes a place for `key`; false when that client holds its maximum already.
    public func admit(_ key: String) -> Bool {
        let admitted = counts.withLock { counts in
            guard counts[key, default: 0] < maximumPerClient else { return false }
            counts[key, default: 0] += 1
            return true
        }
        if !admitted { refusedCount.add(1, ordering: .relaxed) }
        return admitted
    }

    public func release(_ key: String) {
        counts.withLock { counts in
            let left = counts[key, default: 1] - 1
            counts[key] = left > 0 ? left : nil
        }
    }

    /// Connections refused so far (for `/metrics` and tests).
    public var refused: Int { refusedCount.load(ordering: .relaxed) }
}

/// What the HTTP edge enforces per connection (docs/ARCHITECTURE.md, "The HTTP edge").
public struct EdgeLimits: Sendable {
    /// Seconds a request head may take from its first byte, and each stretch of a body.
    public var requestTimeout: Double
    /// Bytes per second a body must average over each `requestTimeout` stretch.
    public var minimumBodyRate: Int
    public var clients: ClientConnections

    public init(requestTimeout: Double, minimumBodyRate: Int = 1_024, clients: ClientConnections) {
        self.requestTimeout = requestTimeout
        self.minimumBodyRate = minimumBodyRate
        self.clients = clients
    }
}

/// Wraps the server's child channel so that every connection starts with a `ConnectionGuard`
/// (on raw bytes, before any HTTP parsing) and gets a `RequestDeadlines` after the HTTP codec.
public struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Inner.Value
    let inner: Inner
    let limits: EdgeLimits

    public init(inner: Inner, limits: EdgeLimits) {
        self.inner = inner
        self.limits = limits
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuard(limits: limits), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    public func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }

    /// The HTTP-level half, for `additionalChannelHandlers`.
    public static func requestDeadlines(_ limits: EdgeLimits) -> [any RemovableChannelHandler] {
        [RequestDeadlines(limits: limits)]
    }
}

/// First in every connection's pipeline, on raw bytes:
/// - a client address (or /64) holding `maximumPerClient` connections gets no more;
/// - a request head must be complete within `requestTimeout` of its first byte.
/// It learns where requests end from `RequestDeadlines`, which sits after the HTTP codec.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Phase {
        /// A connection from socket activation's relay: its first line names the real peer.
        case peerLine(ByteBuffer)
        /// Between requests: the next byte starts a head.
        case awaitingHead
        /// Reading a head: the last bytes seen (to find `\r\n\r\n` across reads).
        case head(tail: UInt32)
        /// The head is complete: the body and the answer are `RequestDeadlines`' business.
        case request
    }

    let limits: EdgeLimits
    var clientKey: String?
    var phase = Phase.awaitingHead
    var headTimer: Scheduled<Void>?

    init(limits: EdgeLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        // A Unix-socket peer is socket activation's relay: it limits connections where the real
        // peer is known, and names that peer in its first line.
        guard let ip = context.channel.remoteAddress?.ipAddress else {
            phase = .peerLine(ByteBuffer())
            return
        }
        let key = ClientAddress.key(peer: ip)
        if limits.clients.admit(key) {
            clientKey = key
        } else {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ActivatedPeers.shared.forget(ObjectIdentifier(context.channel))
        headTimer?.cancel()
        if let clientKey { limits.clients.release(clientKey) }
        clientKey = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if case .peerLine(var line) = phase {
            line.writeBuffer(&buffer)
            guard let rest = readPeerLine(&line, context) else {
                phase = .peerLine(line)
                return
            }
            phase = .awaitingHead
            guard rest.readableBytes > 0 else { return }
            buffer = rest
        }
        let data = NIOAny(buffer)
        switch phase {
        case .awaitingHead:
            scan(buffer, tail: 0)
            // Only a head that did not come whole in its first read needs a deadline.
            if case .head = phase { startHeadTimer(context) }
        case .head(let tail):
            scan(buffer, tail: tail)
        case .request, .peerLine:
            break
        }
        context.fireChannelRead(data)
    }

    /// The relay's `SCS-PEER <address>` line, once whole: records the peer and returns the bytes
    /// after it. Nil while the line is incomplete. Bytes that do not start with the line pass on as
    /// they are (a client of the private socket that is not the relay).
    func readPeerLine(_ line: inout ByteBuffer, _ context: ChannelHandlerContext) -> ByteBuffer? {
        let prefix = Array(ActivatedPeers.prefix.utf8)
        let seen = line.readableBytesView
        guard seen.starts(with: prefix.prefix(seen.count)) else { return line }
        guard let end = seen.firstIndex(of: UInt8(ascii: "\n")) else {
            if seen.count > ActivatedPeers.maximumLine { context.close(promise: nil) }
            return nil
        }
        var text = String(String(decoding: seen[seen.startIndex..<end], as: UTF8.self).dropFirst(prefix.count))
        if text.hasSuffix("\r") { text.removeLast() }
        line.moveReaderIndex(to: end + 1)
        // (The relay admitted the connection against the per-client cap already.)
        if IPAddress(text) != nil { ActivatedPeers.shared.record(text, for: ObjectIdentifier(context.channel)) }
        return line
    }

    /// Looks for the end of the head in `buffer`, carrying the last four bytes over reads.
    func scan(_ buffer: ByteBuffer, tail: UInt32) {
        var last = tail
        let end: UInt32 = 0x0D0A_0D0A
        for byte in buffer.readableBytesView {
            last = last << 8 | UInt32(byte)
            if last == end {
                headTimer?.cancel()
                headTimer = nil
                phase = .request
                return
            }
        }
        phase = .head(tail: last)
    }

    func startHeadTimer(_ context: ChannelHandlerContext) {
        headTimer?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        headTimer = context.eventLoop.scheduleTask(in: .milliseconds(Int64(limits.requestTimeout * 1000))) {
            loopBound.value.close(promise: nil)  // the head did not arrive in time
        }
    }

    /// The request and its answer are both done: the next byte starts a new head.
    func requestFinished() {
        phase = .awaitingHead
    }
}

/// After the HTTP codec: a body must keep arriving at `minimumBodyRate` (checked over each
/// `requestTimeout` stretch), and an answer sent before its request's body was read closes the
/// connection once written (the rest of that body is never read).
final class RequestDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limits: EdgeLimits
    var requestOpen = false
    var responseOpen = false
    var bodyBytes = 0
    var bodyTimer: Scheduled<Void>?
    weak var connectionGuard: ConnectionGuard?

    init(limits: EdgeLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        connectionGuard = try? context.pipeline.syncOperations.handler(type: ConnectionGuard.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        bodyTimer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestOpen = true
            responseOpen = true
            bodyBytes = 0
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
        case .end:
            requestOpen = false
            bodyTimer?.cancel()
            bodyTimer = nil
            if !responseOpen { connectionGuard?.requestFinished() }
        }
        context.fireChannelRead(data)
    }

    /// A request still open after a read has its body checked from now on (most requests end in
    /// the read that brought their head, and need no timer).
    func channelReadComplete(context: ChannelHandlerContext) {
        if requestOpen, bodyTimer == nil { armBodyCheck(context) }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        responseOpen = false
        if requestOpen {
            // Answered before the body was read: close once the answer is out.
            bodyTimer?.cancel()
            let written = promise ?? context.eventLoop.makePromise()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
            context.write(data, promise: written)
            return
        }
        connectionGuard?.requestFinished()
        context.write(data, promise: promise)
    }

    /// Every `requestTimeout` while the body is open, at least `minimumBodyRate × requestTimeout`
    /// bytes must have arrived since the last check.
    func armBodyCheck(_ context: ChannelHandlerContext) {
        bodyTimer?.cancel()
        let seen = bodyBytes
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let stretch = limits.requestTimeout
        bodyTimer = context.eventLoop.scheduleTask(in: .milliseconds(Int64(stretch * 1000))) {
            let (handler, context) = loopBound.value
            guard handler.requestOpen else { return }
            if Double(handler.bodyBytes - seen) < Double(handler.limits.minimumBodyRate) * stretch {
                context.close(promise: nil)  // a body this slow holds a connection for nothing
            } else {
                handler.armBodyCheck(context)
            }
        }
    }
}
