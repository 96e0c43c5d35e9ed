/// The id of the request a task is serving, for its log lines. The HTTP layer sets it per
/// request (a client's `X-Request-ID` when it is well-formed, otherwise the server's own); a
/// wire call carries it to the worker, which sets it while it answers; the log handler adds it to
/// every line as `request_id` (docs/ARCHITECTURE.md, "Observability").
public enum RequestScope {
    @TaskLocal public static var id: String?

    /// Longest accepted id.
    public static let maximumLength = 64

    /// `text` when it is 1–64 characters of letters, digits, `-`, `_`, `.` or `:`; nil otherwise
    /// (an id goes into every log line, so nothing else is let through).
    public static func accept(_ text: String?) -> String? {
        guard let text, !text.isEmpty, text.utf8.count <= maximumLength else { return nil }
        let allowed = text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"): true
            default: false
            }
        }
        return allowed ? text : nil
    }
}
