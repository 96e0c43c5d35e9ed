public import Hummingbird
import HTTPTypes
import SCSAuth
import SCSCore

/// The gate of `/mcp`: an `Origin`, when sent, must be allowed (403; DNS-rebinding defence),
/// and the API key (or `ADMIN_API_KEY`) must be presented (401) — before anything else is read.
public struct MCPGateMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: OriginPolicy
    let apiKey: APIKeyVerifier
    let adminKey: APIKeyVerifier?

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard origins.allows(request.headers[.origin]) else {
            return MCPEndpoint.failure(.forbidden, -32000, "Forbidden: Origin not allowed")
        }
        let presented = request.credentials.apiKey
        guard apiKey.isValid(presented) || adminKey?.isValid(presented) == true else {
            return MCPEndpoint.failure(.unauthorized, -32000, "Unauthorized: a valid X-API-Key header is required")
        }
        return try await next(request, context)
    }
}
