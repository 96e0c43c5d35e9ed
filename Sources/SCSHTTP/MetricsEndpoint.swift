public import Hummingbird
import NIOCore
public import SCSAuth
import SCSCore

/// `GET /metrics`: the Prometheus text exposition, for a caller with the API key (`X-API-Key`) or
/// the metrics token (`Authorization: Bearer <SCS_METRICS_TOKEN>`); anyone else gets 401 and no
/// figures.
public struct MetricsEndpoint: Sendable {
    let apiKey: APIKeyVerifier?
    let token: APIKeyVerifier?
    let render: @Sendable () async -> [UInt8]

    public init(apiKey: APIKeyVerifier?, token: APIKeyVerifier?, render: @escaping @Sendable () async -> [UInt8]) {
        self.apiKey = apiKey
        self.token = token
        self.render = render
    }

    public func register(on router: Router<some RequestContext>) {
        router.get("/metrics") { request, _ -> Response in
            guard allows(request.credentials) else {
                return Response(
                    status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"],
                    body: .init(byteBuffer: ByteBuffer(string: "the API key or the metrics token is required\n")))
            }
            let text = await render()
            var buffer = ByteBufferAllocator().buffer(capacity: text.count)
            buffer.writeBytes(text)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: buffer))
        }
    }

    func allows(_ credentials: PresentedCredentials) -> Bool {
        guard let apiKey else { return true }
        if apiKey.isValid(credentials.apiKey) { return true }
        guard let token, let presented = credentials.bearer else { return false }
        return token.isValid(presented)
    }
}
