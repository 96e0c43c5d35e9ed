public import Hummingbird
import HTTPTypes

/// Refuses a request whose declared body (`Content-Length`) is over `limit` bytes with 413
/// before any handler runs (the connection then closes without reading it; docs/ARCHITECTURE.md,
/// "The HTTP edge"). A body sent in chunks is bounded where it is read.
public struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    public init(limit: Int) { self.limit = limit }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            return MCPEndpoint.failure(.contentTooLarge, -32600, "Request body larger than \(limit) bytes")
        }
        return try await next(request, context)
    }
}
