#if canImport(Glibc)
    import Glibc
#endif
import Dispatch
public import Logging
public import NIOCore
public import NIOPosix
import SCSCore
import Synchronization

/// Serves the worker protocol on a Unix socket: checks each peer's uid (SO_PEERCRED), exchanges
/// hellos, answers pipelined requests concurrently (out of order, by id). A malformed, oversized or
/// truncated frame closes only that connection.
public struct WireServer: Sendable {
    public let path: String
    public let hello: Hello
    public let router: WireRouter
    public let maximumFrameBytes: Int
    public let logger: Logger
    /// A socket already bound to `path` and listening (the supervisor's, passed at spawn); nil
    /// binds `path` here.
    public let listener: Int32?

    public init(
        path: String, listener: Int32? = nil, hello: Hello, router: WireRouter, maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes,
        logger: Logger
    ) {
        self.path = path
        self.listener = listener
        self.hello = hello
        self.router = router
        self.maximumFrameBytes = maximumFrameBytes
        self.logger = logger
    }

    /// Binds (replacing a stale socket file) unless given a bound listener, makes the socket 0600, then calls `onBound` and
    /// serves until cancelled, then closes every connection. `connections` receives each accepted
    /// connection's event sink once its hello is answered.
    public func run(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onBound: @Sendable () async -> Void = {},
        connections: (@Sendable (WireEventSink) -> Void)? = nil
    ) async throws {
        let maximumFrameBytes = maximumFrameBytes
        let logger = logger
        let uid = getuid()
        let hello = hello
        let router = router
        let live = LiveChannels()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                Self.peerUID(channel).flatMapThrowing { peer in
                    guard peer == uid else {
                        logger.warning("refusing a connection from another uid", metadata: ["peer_uid": "\(peer.map(String.init) ?? "?")"])
                        throw WireError.handshakeFailed("peer uid not allowed")
                    }
                    try channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: maximumFrameBytes)
                    try channel.pipeline.syncOperations.addHandler(
                        WireServerHandler(
                            hello: hello, router: router, logger: logger, maximumFrameBytes: maximumFrameBytes,
                            onReady: connections ?? { _ in }))
                    live.insert(channel)
                }
            }
        let server: any Channel
        if let listener {
            server = try await bootstrap.withBoundSocket(listener).get()
        } else {
            server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            chmod(path, 0o600)
        }
        await onBound()
        await withTaskCancellationHandler {
            try? await server.closeFuture.get()
        } onCancel: {
            server.close(promise: nil)
        }
        for channel in live.all() { try? await channel.close() }
    }

    static func peerUID(_ channel: any Channel) -> EventLoopFuture<uid_t?> {
        guard let provider = channel as? any SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        let future: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { Optional($0.uid) }.recover { _ -> uid_t? in nil }
    }
}

/// One connection of a `WireServer`: the hello exchange, then each request answered by its own
/// task, written back by id as soon as it is ready. Frames are read on the event loop and the
/// answer is written from the task straight to the channel (no async-sequence hand-offs: each
/// costs a thread wake-up).
final class WireServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let hello: Hello
    let router: WireRouter
    let logger: Logger
    let maximumFrameBytes: Int
    let onReady: @Sendable (WireEventSink) -> Void
    /// Event-loop confined: whether the peer's hello was accepted.
    private var greeted = false
    /// Requests of this connection being answered (each in its own task).
    private let inFlight = InFlightCount()

    init(
        hello: Hello, router: WireRouter, logger: Logger, maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes,
        onReady: @escaping @Sendable (WireEventSink) -> Void
    ) {
        self.maximumFrameBytes = maximumFrameBytes
        self.hello = hello
        self.router = router
        self.logger = logger
        self.onReady = onReady
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            let envelope = try WireEnvelope(frame: unwrapInboundIn(data))
            guard greeted else {
                guard case .hello(let peer) = envelope else { throw WireError.handshakeFailed("the first frame must be a hello") }
                guard peer.protocolVersion == WireProtocol.version else {
                    throw WireError.handshakeFailed("protocol \(peer.protocolVersion) not supported")
                }
                greeted = true
                context.writeAndFlush(wrapOutboundOut(WireEnvelope.hello(hello).buffer()), promise: nil)
                onReady(WireEventSink(context.channel))
                return
            }
            guard case .request(let id, let method, let params, let requestID) = envelope else {
                throw WireError.protocolError("unexpected frame from the client")
            }
            let channel = context.channel
            // Heartbeats are always answered: a busy worker is not a dead one.
            let limit = method == PingMethod.name ? Int.max : WireProtocol.maximumInFlightPerConnection
            guard inFlight.enter(limit: limit) else {
                let busy = SCSError.workerUnavailable(role: hello.role.rawValue, retryAfter: 1)
                context.writeAndFlush(wrapOutboundOut(WireEnvelope.failure(id: id, error: busy.wire).buffer()), promise: nil)
                return
            }
            let router = router
            let maximumFrameBytes = maximumFrameBytes
            let logger = logger
            let inFlight = inFlight
            Task {
                defer { inFlight.leave() }
                // The client request's id is on every line logged while answering (docs/ARCHITECTURE.md, "Observability").
                await RequestScope.$id.withValue(requestID) {
                    let started = DispatchTime.now().uptimeNanoseconds
                    let reply: WireEnvelope
                    let code: String
                    switch await router.handle(method: method, params: params) {
                    case .success(let result): (reply, code) = (.response(id: id, result: result), "ok")
                    case .failure(let failure):
                        (reply, code) = (.failure(id: id, error: failure.payload), failure.payload["code"]?.stringValue ?? "ERROR")
                    }
                    if method != PingMethod.name {
                        logger.debug("answered", metadata: [
                            "method": "\(method)", "outcome": "\(code)",
                            "ms": "\(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)",
                        ])
                    }
                    var buffer = reply.buffer()
                    // Never a frame over the cap: the peer would take it for a broken stream.
                    if buffer.readableBytes > maximumFrameBytes {
                        logger.warning("answer over the frame cap replaced by an error", metadata: [
                            "method": "\(method)", "bytes": "\(buffer.readableBytes)",
                        ])
                        buffer = WireEnvelope.failure(id: id, error: SCSError.resultTooLarge(limit: maximumFrameBytes).wire).buffer()
                    }
                    channel.writeAndFlush(buffer, promise: nil)
                }
            }
        } catch {
            close(context, because: error)
        }
    }

    /// A malformed, oversized or truncated frame (from the frame decoder) closes the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close(context, because: error)
    }

    private func close(_ context: ChannelHandlerContext, because error: any Error) {
        logger.notice("closed a worker-protocol connection", metadata: ["reason": "\(error)"])
        context.close(promise: nil)
    }
}

/// A connection's requests in flight, bounded.
final class InFlightCount: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts one more request unless `limit` are already in flight.
    func enter(limit: Int) -> Bool {
        if count.add(1, ordering: .relaxed).newValue <= limit { return true }
        count.subtract(1, ordering: .relaxed)
        return false
    }

    func leave() { count.subtract(1, ordering: .relaxed) }

    var current: Int { count.load(ordering: .relaxed) }
}

/// The open connections of a server, closed when it stops.
final class LiveChannels: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func insert(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { _ in _ = self.channels.withLock { $0.removeValue(forKey: key) } }
    }

    func all() -> [any Channel] { channels.withLock { Array($0.values) } }
}

/// Writes whole frames to one connection (safe from concurrent tasks).
public struct WireEventSink: Sendable {
    let channel: any Channel

    init(_ channel: any Channel) { self.channel = channel }

    public func send(_ envelope: WireEnvelope) async throws {
        try await channel.writeAndFlush(envelope.buffer()).get()
    }
}

/// Layout of Linux `struct ucred` (not exported by the Glibc module without _GNU_SOURCE).
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
