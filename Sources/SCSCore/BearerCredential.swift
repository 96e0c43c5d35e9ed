/// The one reader of `Authorization: Bearer …` for every route (`/mcp`, `/metrics`, `/ws`):
/// the scheme is case-insensitive (RFC 9110), spaces and tabs around the token are ignored, and
/// an empty token is no token.
public enum BearerCredential {
    /// The token of an `Authorization` header value, when it uses the Bearer scheme.
    public static func token(fromAuthorization value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }),
            AgentIdentity.fold(String(trimmed[..<space])) == "bearer"
        else { return nil }
        var token = trimmed[space...].drop { $0 == " " || $0 == "\t" }
        while let last = token.last, last == " " || last == "\t" { token = token.dropLast() }
        return token.isEmpty ? nil : String(token)
    }
}
