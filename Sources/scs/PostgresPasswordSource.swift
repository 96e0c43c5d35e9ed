import Foundation
import SCSCore

/// Where `scs db copy` finds a PostgreSQL password that is not in its arguments (arguments are
/// readable by every local user in `/proc`): `PGPASSWORD`, else the libpq password file
/// (`PGPASSFILE`, default `~/.pgpass`, used only when no one else may read it), else a line of
/// standard input when `--password-stdin` asks for it.
enum PostgresPasswordSource {
    /// The password for `url` from the environment or the password file, if either has one.
    static func lookup(_ url: PostgresURL, environment: [String: String]) -> String? {
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let path = environment["PGPASSFILE"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 == 0,
            let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        return match(text, url)
    }

    /// The first line of a `.pgpass` text that matches `url` (`*` matches anything; `\:` and
    /// `\\` are a literal colon and backslash).
    static func match(_ text: String, _ url: PostgresURL) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count == 5 else { continue }
            let wanted = [url.host, String(url.port), url.database, url.user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    static func split(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":", fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
