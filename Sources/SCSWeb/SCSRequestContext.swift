public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore
import Foundation
import Logging
import OrderedCollections
import SCSAuth
import SCSTools
import SCSCore
import SCSStorage

/// The request context of `scs serve`'s routers: the peer's address (the dashboard's sign-in
/// throttle keys on it) and the WebSocket upgrade slot (`/ws/{session_id}`).
public struct SCSRequestContext: RequestContext, RemoteAddressRequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<SCSRequestContext>
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }
}
