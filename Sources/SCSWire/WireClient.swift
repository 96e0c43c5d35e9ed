public import NIOCore
public import NIOPosix
public import SCSCore

/// A connection to a worker: hello exchange, pipelined calls answered by id, events delivered to
/// a callback. When the connection closes every call in flight fails with `connectionLost`.
public final class WireClient: Sendable {
    typealias Promise = EventLoopPromise<Result<JSONValue, WireFailure>>
    /// The connection's calls; tasks wait on it for a drain or a close.
    public typealias Activity = WireCalls<EventLoopPromise<Result<JSONValue, WireFailure>>>

    let channel: any Channel
    /// The calls in flight and whether the connection closed (`WireCalls`).
    public let activity: WaitableState<Activity>
    /// The worker's hello.
    public let peer: Hello
    /// Seconds a call waits for its answer before it fails with `timedOut`.
    public let callTimeout: Double

    init(channel: any Channel, activity: WaitableState<Activity>, peer: Hello, callTimeout: Double) {
        self.channel = channel
        self.activity = activity
        self.peer = peer
        self.callTimeout = callTimeout
    }

    /// Connects to `path`, sends `hello`, and waits (at most `timeout` seconds) for the worker's.
    /// Each later call fails with `timedOut` when no answer comes within `callTimeout` seconds.
    public static func connect(
        path: String, hello: Hello, maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes,
        timeout: Double = 5, callTimeout: Double = WireProtocol.defaultCallTimeout, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in },
        onClose: @escaping @Sendable () -> Void = {}
    ) async throws -> WireClient {
        let activity = WaitableState(Activity())
        let helloPromise = group.next().makePromise(of: Hello.self)
        let handler = WireClientHandler(activity: activity, hello: helloPromise, onEvent: onEvent, onClose: onClose)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.milliseconds(Int64(timeout * 1000)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: maximumFrameBytes, oversized: .failRequest)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(unixDomainSocketPath: path).get()
        } catch {
            helloPromise.fail(WireError.handshakeFailed("cannot connect"))
            throw WireError.handshakeFailed("cannot connect to \(path): \(error)")
        }
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            helloPromise.fail(WireError.handshakeFailed("no hello within \(timeout) s"))
        }
        do {
            try await channel.writeAndFlush(WireEnvelope.hello(hello).buffer())
            let peer = try await helloPromise.futureResult.get()
            timer.cancel()
            return WireClient(channel: channel, activity: activity, peer: peer, callTimeout: callTimeout)
        } catch {
            timer.cancel()
            try? await channel.close()
            throw error
        }
    }

    /// Calls method `M`. Domain errors come back as `SCSError`; a dead connection as `connectionLost`.
    public func call<M: WireMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        let result = try await send(method: M.name, params: params.wire)
        switch result {
        case .success(let value): return try M.Result(wire: value)
        case .failure(let failure):
            if let error = SCSError(wire: failure.payload) { throw error }
            throw WireError.remote(
                code: failure.payload["code"]?.stringValue ?? "UNKNOWN", message: failure.payload["message"]?.stringValue ?? "")
        }
    }

    func send(method: String, params: JSONValue) async throws -> Result<JSONValue, WireFailure> {
        let promise = channel.eventLoop.makePromise(of: Result<JSONValue, WireFailure>.self)
        let id = activity.update { $0.begin(promise) }
        guard let id else {
            promise.fail(WireError.connectionLost)
            throw WireError.connectionLost
        }
        channel.writeAndFlush(WireEnvelope.request(id: id, method: method, params: params, requestID: RequestScope.id).buffer()).whenFailure { [activity] _ in
            activity.update { $0.end(id) }?.fail(WireError.connectionLost)
        }
        let seconds = callTimeout
        let deadline = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { [activity] in
            activity.update { $0.end(id) }?.fail(WireError.timedOut(seconds: seconds))
        }
        defer { deadline.cancel() }
        return try await promise.futureResult.get()
    }

    /// Calls waiting for an answer.
    public var inFlight: Int { activity.value.inFlight }

    public var isOpen: Bool { !activity.value.closed }

    public func close() async {
        try? await channel.close()
    }

    /// Starts closing without waiting (calls in flight fail with `connectionLost`).
    public func beginClose() {
        channel.close(promise: nil)
    }
}

final class WireClientHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let activity: WaitableState<WireClient.Activity>
    let hello: EventLoopPromise<Hello>
    let onEvent: @Sendable (WorkerEvent) -> Void
    let onClose: @Sendable () -> Void

    init(
        activity: WaitableState<WireClient.Activity>, hello: EventLoopPromise<Hello>,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void, onClose: @escaping @Sendable () -> Void
    ) {
        self.activity = activity
        self.hello = hello
        self.onEvent = onEvent
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        do {
            switch try WireEnvelope(frame: frame) {
            case .hello(let peer): hello.succeed(peer)
            case .response(let id, let result): complete(id, .success(result))
            case .failure(let id, let error): complete(id, .failure(WireFailure(error)))
            case .event(let name, let data): if let event = try WorkerEvent(name: name, data: data) { onEvent(event) }
            case .request: throw WireError.protocolError("workers do not send requests")
            }
        } catch {
            // A bad answer that still names its request fails that request; the stream is fine.
            if let id = WireEnvelope.leadingID(frame.readableBytesView.prefix(64)) {
                complete(id, .failure(WireFailure(["code": "INVALID_RESPONSE", "message": "the worker's answer could not be read"])))
                return
            }
            context.close(promise: nil)
        }
    }

    func complete(_ id: Int64, _ result: Result<JSONValue, WireFailure>) {
        activity.update { $0.end(id) }?.succeed(result)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let pending = activity.update { $0.close() }
        for promise in pending { promise.fail(WireError.connectionLost) }
        hello.fail(WireError.handshakeFailed("connection closed before hello"))
        onClose()
        context.fireChannelInactive()
    }
}
