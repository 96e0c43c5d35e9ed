public import Hummingbird
import HTTPTypes
import SCSAuth
import SCSCore

/// The gate of `/mcp`: an `Origin`, when sent, must be allowed (403; DNS-rebinding defence),
/// and the API key (or `ADMIN_API_KEY`) must be presented (401) — before anything else is read.
///
/// A registered agent's key (`sca_…`, in `X-API-Key` or `Authorization: Bearer`) opens `/mcp` too
/// and names the caller: it is resolved here (401 when unknown, rotated out or revoked) and handed
/// to the endpoint in `PresentedAgentKey.current`.
public struct MCPGateMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: OriginPolicy
    let apiKey: APIKeyVerifier
    let adminKey: APIKeyVerifier?
    let agentKeys: AgentKeys?

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard origins.allows(request.headers[.origin]) else {
            return MCPEndpoint.failure(.forbidden, -32000, "Forbidden: Origin not allowed")
        }
        let credentials = request.credentials
        let presented = credentials.apiKey
        if let agentKeys, let key = [presented, credentials.bearer].compactMap({ $0 }).first(where: { AgentKeys.isAgentKey($0) }) {
            let identity: AgentIdentity?
            do {
                identity = try await agentKeys.resolve(key)
            } catch {
                return MCPEndpoint.storageUnavailable()
            }
            guard identity != nil else {
                return MCPEndpoint.failure(.unauthorized, -32000, "Unauthorized: this agent key is unknown, rotated out or revoked")
            }
            return try await PresentedAgentKey.$current.withValue(key) { try await next(request, context) }
        }
        guard apiKey.isValid(presented) || adminKey?.isValid(presented) == true else {
            return MCPEndpoint.failure(.unauthorized, -32000, "Unauthorized: a valid X-API-Key header is required")
        }
        return try await next(request, context)
    }
}

/// The registered agent key the request being served presented (set by `MCPGateMiddleware`).
public enum PresentedAgentKey {
    @TaskLocal public static var current: String?
}
