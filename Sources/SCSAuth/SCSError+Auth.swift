public import SCSCore
import OrderedCollections

/// The authentication errors, as the Python server names them — without ever echoing a token
/// (docs/CONTRACT.md §5, row 17).
extension SCSError {
    public static func invalidAPIKey(agentID: String) -> SCSError {
        SCSError(
            code: .authFailed, message: "Invalid API key provided for authentication",
            suggestions: [
                "Check that the X-API-Key header is set", "Verify the API key matches the server configuration",
                "Run `scs client-config` to print a working client configuration", "Contact the server operator",
            ],
            context: ["agent_id": .string(agentID), "auth_method": "api_key"], relatedResources: ["authenticate_agent"])
    }

    public static var invalidTokenFormat: SCSError {
        SCSError(
            code: .invalidTokenFormat, message: "Invalid authentication token format",
            suggestions: ["Use the sct_ token returned by authenticate_agent"],
            context: ["validation_error": "Malformed token format"], relatedResources: ["authenticate_agent"])
    }

    public static func tokenAuthenticationFailed(_ detail: String) -> SCSError {
        SCSError(
            code: .tokenAuthenticationFailed, message: "Authentication token invalid or expired",
            suggestions: ["Call refresh_token with your current token", "Or authenticate again with authenticate_agent"],
            context: ["authentication_error": .string(detail), "recovery_method": "refresh_token"],
            relatedResources: ["refresh_token", "authenticate_agent"])
    }

    public static func tokenRefreshFailed(prefix: String, detail: String) -> SCSError {
        SCSError(
            code: .tokenRefreshFailed, message: "Token cannot be refreshed",
            suggestions: ["Authenticate again with authenticate_agent"],
            context: ["token_format": "sct_*", "current_token_prefix": .string(prefix), "error_details": .string(detail)],
            relatedResources: ["authenticate_agent"])
    }

    public static var tokenNotFound: SCSError {
        SCSError(
            code: .tokenNotFound, message: "Token not found or already revoked",
            suggestions: ["Check the token; only your own tokens can be revoked unless you are an admin"],
            relatedResources: ["authenticate_agent"])
    }
}
