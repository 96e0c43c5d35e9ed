public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore
import SCSCore

/// The request context of `scs serve`'s routers: the peer's address (the dashboard's sign-in
/// throttle keys on it; under socket activation the address the relay named) and the WebSocket upgrade slot (`/ws/{session_id}`).
public struct SCSRequestContext: RequestContext, RemoteAddressRequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<SCSRequestContext>
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        let peer = source.channel.remoteAddress
        // Behind socket activation's relay the peer is a Unix socket; the relay named the real one.
        if peer?.ipAddress == nil, let relayed = ActivatedPeers.shared.address(of: ObjectIdentifier(source.channel)) {
            remoteAddress = try? SocketAddress(ipAddress: relayed, port: 0)
        } else {
            remoteAddress = peer
        }
    }
}
