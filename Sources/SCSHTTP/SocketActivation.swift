#if canImport(Glibc)
    public import Glibc
#endif
public import Logging
import NIOCore
import NIOPosix
import SCSCore
public import ServiceLifecycle

/// systemd socket activation (`LISTEN_FDS`): the listening sockets systemd passed, when meant for
/// this process (`LISTEN_PID`), as descriptors 3…
public enum SocketActivation {
    public static func listeningDescriptors(environment: [String: String], pid: Int32 = getpid()) -> [Int32] {
        guard let count = environment["LISTEN_FDS"].flatMap(Int32.init), count > 0,
            environment["LISTEN_PID"].flatMap(Int32.init) == pid
        else { return [] }
        let descriptors = (0..<count).map { 3 + $0 }
        // Never inherited by workers.
        for fd in descriptors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return descriptors
    }
}

/// Accepts connections on an inherited listening socket and splices each one, byte for byte, to
/// the HTTP server listening on a private Unix socket (Hummingbird cannot adopt a bound socket).
/// The per-client connection cap applies here, where the real peer is known.
public struct ActivatedListener: Service {
    let descriptor: Int32
    let target: String
    let clients: ClientConnections?
    let logger: Logger

    public init(descriptor: Int32, target: String, clients: ClientConnections? = nil, logger: Logger) {
        self.descriptor = descriptor
        self.target = target
        self.clients = clients
        self.logger = logger
    }

    public func run() async throws {
        let target = target
        let logger = logger
        let clients = clients
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { inbound in
                if let clients, let ip = inbound.remoteAddress?.ipAddress {
                    let key = ClientAddress.key(peer: ip)
                    guard clients.admit(key) else { return inbound.close() }
                    inbound.closeFuture.whenComplete { _ in clients.release(key) }
                }
                let (near, far) = GlueHandler.matchedPair()
                do {
                    try inbound.pipeline.syncOperations.addHandler(near)
                } catch {
                    return inbound.eventLoop.makeFailedFuture(error)
                }
                let boundFar = NIOLoopBound(far, eventLoop: inbound.eventLoop)
                return ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { outbound in
                        outbound.eventLoop.makeCompletedFuture { try outbound.pipeline.syncOperations.addHandler(boundFar.value) }
                    }
                    .connect(unixDomainSocketPath: target)
                    .flatMap { outbound in
                        // The real peer goes first, so the HTTP server keys its limits on it (the
                        // client's bytes are read only once this initializer is done).
                        let peer = inbound.remoteAddress?.ipAddress ?? "unknown"
                        return outbound.writeAndFlush(outbound.allocator.buffer(string: ActivatedPeers.prefix + peer + "\r\n"))
                    }
                    .flatMapError { error in
                        logger.error("cannot reach the HTTP server", metadata: ["error": "\(error)"])
                        return inbound.close()
                    }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .withBoundSocket(descriptor).get()
        logger.info("accepting on the socket passed by systemd", metadata: ["fd": "\(descriptor)"])
        try? await gracefulShutdown()
        try? await server.close()
    }
}

/// Forwards everything read on one channel to its partner (NIO's classic glue handler pair).
final class GlueHandler: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    static func matchedPair() -> (GlueHandler, GlueHandler) {
        let first = GlueHandler(), second = GlueHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }
    private func partnerFlush() { context?.flush() }
    private func partnerWriteEOF() { context?.close(mode: .output, promise: nil) }
    private func partnerCloseFull() { context?.close(promise: nil) }
    private var partnerWritable: Bool { context?.channel.isWritable ?? false }

    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { partner?.partnerWrite(data) }
    func channelReadComplete(context: ChannelHandlerContext) { partner?.partnerFlush() }
    func channelInactive(context: ChannelHandlerContext) { partner?.partnerCloseFull() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { partner?.partnerCloseFull() }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event { partner?.partnerWriteEOF() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if partner?.partnerWritable ?? false {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
