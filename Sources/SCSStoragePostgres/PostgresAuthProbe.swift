import NIOCore
import NIOPosix
import NIOSSL
import SCSCore
import SCSStorage

/// Asks the server, before anything else connects, how it wants `user` to authenticate — over the
/// same TLS settings the pool uses — and refuses a cleartext or MD5 password request unless the URL
/// opts in with `insecure_auth=allow` (docs/POSTGRESQL.md, "TLS"). PostgresNIO answers whatever
/// the server asks, so without this check a server (or, without certificate checks, anyone in
/// between) could ask for the password in the clear. With `verify-full`, the default for a remote
/// database, no one in between can change the answer afterwards.
enum PostgresAuthProbe {
    enum Method: Equatable {
        case none, cleartext, md5, scram, other(Int32), refused
    }

    /// Throws a `ConfigurationError` when the server asks for a password in a form the URL does
    /// not allow; any other failure is left to the real connection to report.
    static func check(_ url: PostgresURL, tls: TLSConfiguration?) async throws {
        guard !url.allowsInsecurePasswordAuth, url.password != nil else { return }
        guard let method = try? await method(url, tls: tls) else { return }
        switch method {
        case .cleartext, .md5:
            throw ConfigurationError(
                "the PostgreSQL server asked for the password \(method == .md5 ? "as an MD5 hash" : "in the clear"); "
                    + "configure scram-sha-256 for this user in pg_hba.conf, or add insecure_auth=allow to the URL to accept it")
        default:
            return
        }
    }

    /// The authentication request the server answers a startup message with.
    static func method(_ url: PostgresURL, tls: TLSConfiguration?) async throws -> Method {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ProbeReader()) }
            }
            .connect(host: url.host, port: url.port).get()
        defer { channel.close(promise: nil) }
        func read(_ count: Int) async throws -> ByteBuffer {
            try await channel.eventLoop.flatSubmit {
                do {
                    return try channel.pipeline.syncOperations.handler(type: ProbeReader.self).read(count, on: channel.eventLoop)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
        }
        if let tls {
            var request = channel.allocator.buffer(capacity: 8)
            request.writeInteger(Int32(8))
            request.writeInteger(Int32(80_877_103))
            try await channel.writeAndFlush(request)
            var answer = try await read(1)
            if answer.readInteger(as: UInt8.self) == UInt8(ascii: "S") {
                let context = try NIOSSLContext(configuration: tls)
                let serverName = url.tls == .verifyFull && IPAddress(url.host) == nil ? url.host : nil
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
                }.get()
            } else if url.tls != .prefer {
                return .refused  // the real connection reports that TLS is required
            }
        }
        var startup = channel.allocator.buffer(capacity: 64)
        startup.writeInteger(Int32(0))
        startup.writeInteger(Int32(196_608))
        for (name, value) in [("user", url.user), ("database", url.database)] {
            startup.writeString(name)
            startup.writeInteger(UInt8(0))
            startup.writeString(value)
            startup.writeInteger(UInt8(0))
        }
        startup.writeInteger(UInt8(0))
        startup.setInteger(Int32(startup.readableBytes), at: 0)
        try await channel.writeAndFlush(startup)
        var head = try await read(5)
        guard let type = head.readInteger(as: UInt8.self), let length = head.readInteger(as: Int32.self), length >= 8, length < 1 << 20,
            type == UInt8(ascii: "R")
        else { return .refused }
        var body = try await read(Int(length) - 4)
        switch body.readInteger(as: Int32.self) {
        case 0: return .none
        case 3: return .cleartext
        case 5: return .md5
        case 10: return .scram
        case let code?: return .other(code)
        case nil: return .refused
        }
    }
}

/// Collects a connection's bytes and hands them out by count.
final class ProbeReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    var buffer = ByteBuffer()
    var waiting: (count: Int, promise: EventLoopPromise<ByteBuffer>)?
    var ended = false

    func read(_ count: Int, on loop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        let promise = loop.makePromise(of: ByteBuffer.self)
        waiting = (count, promise)
        let bound = NIOLoopBound(self, eventLoop: loop)
        loop.scheduleTask(in: .seconds(5)) { bound.value.fail() }
        deliver()
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        deliver()
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended = true
        fail()
    }

    func deliver() {
        guard let (count, promise) = waiting else { return }
        if let bytes = buffer.readSlice(length: count) {
            waiting = nil
            promise.succeed(bytes)
        } else if ended {
            fail()
        }
    }

    func fail() {
        guard let (_, promise) = waiting else { return }
        waiting = nil
        promise.fail(StorageError(.unavailable, "the database closed the connection during the authentication check"))
    }
}
