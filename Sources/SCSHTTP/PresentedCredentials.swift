public import Hummingbird
import HTTPTypes
import SCSAuth
import SCSCore

/// What a request presents to be let in, read in one place for every route — `/mcp`,
/// `/metrics`, `/health`, `/ui` and `/ws` (docs/ARCHITECTURE.md, "The HTTP edge"): the API key,
/// a bearer token (an agent's `sct_` token or the metrics token; the scheme is
/// case-insensitive), and the dashboard's login cookie.
public struct PresentedCredentials: Sendable {
    /// `X-API-Key`.
    public var apiKey: String?
    /// Whether an `Authorization` header was sent at all (a WebSocket that sends one that is not
    /// a bearer token is refused, not treated as anonymous).
    public var hasAuthorization: Bool
    /// The token of `Authorization: Bearer <token>`.
    public var bearer: String?
    /// The dashboard's login cookie: the `__Host-` name (behind TLS) first, else the plain one.
    public var loginCookie: String?

    public static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    public init(_ request: Request) {
        apiKey = request.headers[Self.apiKeyHeader]
        let authorization = request.headers[.authorization]
        hasAuthorization = authorization != nil
        bearer = BearerCredential.token(fromAuthorization: authorization)
        loginCookie = request.headers[.cookie] == nil
            ? nil : request.cookies[DashboardCookie.secureName]?.value ?? request.cookies[DashboardCookie.name]?.value
    }
}

extension Request {
    /// The credentials this request presents.
    public var credentials: PresentedCredentials { PresentedCredentials(self) }
}
