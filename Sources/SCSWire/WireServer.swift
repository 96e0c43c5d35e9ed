#if canImport(Glibc)
    import Glibc
#endif
public import Logging
public import NIOCore
import NIOPosix
import SCSCore

/// Serves the worker protocol on a Unix socket: checks each peer's uid (SO_PEERCRED), exchanges
/// hellos, answers pipelined requests concurrently (out of order, by id). A malformed, oversized or
/// truncated frame closes only that connection.
public struct WireServer: Sendable {
    public let path: String
    public let hello: Hello
    public let router: WireRouter
    public let maximumFrameBytes: Int
    public let logger: Logger

    public init(path: String, hello: Hello, router: WireRouter, maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes, logger: Logger) {
        self.path = path
        self.hello = hello
        self.router = router
        self.maximumFrameBytes = maximumFrameBytes
        self.logger = logger
    }

    /// Binds (replacing a stale socket file), makes the socket 0600, then calls `onBound` and
    /// serves until cancelled. `connections` receives each accepted connection's outbound writer
    /// (for events).
    public func run(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onBound: @Sendable () async -> Void = {},
        connections: (@Sendable (WireEventSink) -> Void)? = nil
    ) async throws {
        let maximumFrameBytes = maximumFrameBytes
        let logger = logger
        let uid = getuid()
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { channel in
                Self.peerUID(channel).flatMapThrowing { peer in
                    guard peer == uid else {
                        logger.warning("refusing a connection from another uid", metadata: ["peer_uid": "\(peer.map(String.init) ?? "?")"])
                        throw WireError.handshakeFailed("peer uid not allowed")
                    }
                    try channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: maximumFrameBytes)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        chmod(path, 0o600)
        await onBound()
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await self.serve(connection, connections: connections) }
                }
            }
        }
    }

    static func peerUID(_ channel: any Channel) -> EventLoopFuture<uid_t?> {
        guard let provider = channel as? any SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        let future: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { Optional($0.uid) }.recover { _ -> uid_t? in nil }
    }

    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, connections: (@Sendable (WireEventSink) -> Void)?) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                let sink = WireEventSink(outbound)
                var iterator = inbound.makeAsyncIterator()
                guard let first = try await iterator.next(), case .hello(let peer) = try WireEnvelope(frame: first) else {
                    throw WireError.handshakeFailed("the first frame must be a hello")
                }
                guard peer.protocolVersion == WireProtocol.version else {
                    throw WireError.handshakeFailed("protocol \(peer.protocolVersion) not supported")
                }
                try await sink.send(.hello(hello))
                connections?(sink)
                try await withThrowingDiscardingTaskGroup { group in
                    while let frame = try await iterator.next() {
                        switch try WireEnvelope(frame: frame) {
                        case .request(let id, let method, let params):
                            group.addTask {
                                let reply: WireEnvelope
                                switch await router.handle(method: method, params: params) {
                                case .success(let result): reply = .response(id: id, result: result)
                                case .failure(let failure): reply = .failure(id: id, error: failure.payload)
                                }
                                try? await sink.send(reply)
                            }
                        case .hello, .response, .failure, .event:
                            throw WireError.protocolError("unexpected frame from the client")
                        }
                    }
                }
            }
        } catch {
            logger.notice("closed a worker-protocol connection", metadata: ["reason": "\(error)"])
        }
    }
}

/// Writes whole frames to one connection (safe from concurrent tasks).
public struct WireEventSink: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    init(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) { self.outbound = outbound }

    public func send(_ envelope: WireEnvelope) async throws {
        try await outbound.write(envelope.buffer())
    }
}

/// Layout of Linux `struct ucred` (not exported by the Glibc module without _GNU_SOURCE).
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
