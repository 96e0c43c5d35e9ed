/// Bounds on what a caller may send and what an answer may carry (README, "Limits").
/// Every tool parameter's schema names its bound; these are the values the code shares.
public enum Limits {
    /// Largest id a client may name (message ids, `after_message_id`, `parent_message_id`):
    /// 2^53 − 1, the largest integer every JSON reader holds exactly.
    public static let maxID: Int64 = 9_007_199_254_740_991
    /// Largest `offset` of a paged list (get_messages, list_sessions).
    public static let maxOffset: Int64 = 10_000_000
    /// Largest integer a schema accepts where the tool itself has a stricter rule with its own
    /// error (e.g. `expires_in`: one year, INVALID_TTL_VALUE as the Python server answers).
    public static let maxInteger: Int64 = maxID

    /// Session ids: `session_` + 16 hex characters.
    public static let sessionIDLength = 24
    public static let agentIDLength = 100
    public static let agentTypeLength = 50
    /// `sct_` tokens are 40 characters; a raw JWT of ours is about 400.
    public static let tokenLength = 2_048
    public static let keyLength = 255
    /// search_context `query`, in characters.
    public static let queryLength = 1_000
    /// create_session `purpose`, in characters.
    public static let purposeLength = 10_000
    /// Short enumerated or formatted strings: visibility, scope, guidance type, ISO times, event types.
    public static let shortTextLength = 64
    /// `requested_permissions` entries.
    public static let permissionCount = 16

    /// Budget of one tool result, bytes of JSON (README "Limits"; not configurable). The HTTP answer
    /// carries the result twice (as text and as structured content), so it stays under ~20 MiB.
    public static let resultBytes = 8 << 20

    /// A memory value, as compact JSON, in bytes (MEMORY_LIMIT_EXCEEDED above it).
    public static let memoryValueBytes = 1 << 20
    /// Memory metadata, as compact JSON, in characters (as for messages and sessions).
    public static let metadataLength = 10_000
}
