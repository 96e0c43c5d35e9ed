public import SCSAuth
public import SCSCore

/// Who is calling, as the transport saw it. Identity precedence (docs/CONTRACT.md §3): an explicit
/// `auth_token` argument, then `bearerToken`, then `boundTokenDigest`, else anonymous read-only.
public struct MCPClientContext: Sendable {
    /// The MCP session id (a fresh random id for stateless requests); names the anonymous agent.
    public var mcpSessionID: String
    /// True when the session id names a stored MCP session (subscriptions need one).
    public var hasSession: Bool
    /// `Authorization: Bearer sct_…`, if sent.
    public var bearerToken: String?
    /// The digest of the token of the agent last authenticated on this MCP session.
    public var boundTokenDigest: String?
    /// The transport checked the API key (always true over HTTP: requests without it never get here).
    public var apiKeyValid: Bool
    /// The request presented `ADMIN_API_KEY` (only then may authenticate_agent grant admin, when
    /// that key is configured).
    public var adminKeyPresented = false
    /// An identity the server itself vouches for: a person signed in to the dashboard, whose
    /// composer posts through the same tool as every agent. Never set from a request's content.
    public var person: AgentIdentity?
    /// The registered agent key (`sca_…`) the request presented, which the edge found valid: the
    /// caller is that agent, checked again on each use (a revoked key ends even a waiting call).
    public var agentKey: String?
    /// Binds a freshly issued token to the MCP session (authenticate_agent, refresh_token).
    public var bindToken: @Sendable (String) async -> Void

    public init(
        mcpSessionID: String, hasSession: Bool, bearerToken: String? = nil, boundTokenDigest: String? = nil, apiKeyValid: Bool,
        bindToken: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.mcpSessionID = mcpSessionID
        self.hasSession = hasSession
        self.bearerToken = bearerToken
        self.boundTokenDigest = boundTokenDigest
        self.apiKeyValid = apiKeyValid
        self.bindToken = bindToken
    }

    /// What identifies the caller when no `auth_token` argument is given (what a subscription is
    /// checked against before each notification): the agent key, else the bearer token, else the
    /// token bound to the session.
    public var ambientCredential: TokenCredential? {
        (agentKey ?? bearerToken).map(TokenCredential.presented) ?? boundTokenDigest.map { .bound(digest: $0) }
    }
}
