public import Hummingbird
import NIOCore
public import SCSAuth
public import SCSCore

/// `GET /health`: the report (database, workers, live counts) with the API key; without it only
/// `up` or `down`, since the details (pids, sizes, counts) need the key.
public struct HealthEndpoint: Sendable {
    let apiKey: APIKeyVerifier?
    let report: @Sendable () async -> (healthy: Bool, body: JSONValue)

    /// `report` answers whether the service can serve (else 503) and the document to send.
    public init(apiKey: APIKeyVerifier?, report: @escaping @Sendable () async -> (healthy: Bool, body: JSONValue)) {
        self.apiKey = apiKey
        self.report = report
    }

    public func register(on router: Router<some RequestContext>) {
        router.get("/health") { request, _ -> Response in
            let (healthy, body) = await report()
            let status: HTTPResponse.Status = healthy ? .ok : .serviceUnavailable
            if let apiKey, !apiKey.isValid(request.headers[MCPEndpoint.apiKeyHeader]) {
                return JSONResponse.make(status: status, body: ["status": status == .ok ? "up" : "down"])
            }
            return JSONResponse.make(status: status, body: body)
        }
    }
}

/// JSON responses from `JSONValue`s (compact, UTF-8).
public enum JSONResponse {
    public static func make(status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let bytes = body.compactBytes
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
