import SCSStorage

/// What identifies a caller when no `auth_token` argument names one: a token the client
/// presented, or the token bound to its MCP session, which the server keeps only as a digest
/// (`TokenDigest`) so that no stored row holds a token.
public enum TokenCredential: Sendable, Hashable {
    /// A token exactly as the client sent it (`sct_…`, or a raw JWT).
    case presented(String)
    /// `TokenDigest.of(token)` of an `sct_` token issued on this MCP session.
    case bound(digest: String)

    /// The stored row's key.
    public var digest: String {
        switch self {
        case .presented(let token): TokenDigest.of(token)
        case .bound(let digest): digest
        }
    }

    /// Safe to log or return: the presented token's first 8 characters; for a bound token only
    /// its kind (the server does not know the token any more).
    public var prefix: String {
        switch self {
        case .presented(let token): TokenService.prefix(token)
        case .bound: "sct_"
        }
    }
}
