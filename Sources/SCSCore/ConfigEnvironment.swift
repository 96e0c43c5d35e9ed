import Foundation

/// The key/value view configuration is read from: env files, overridden by the process environment
/// (the process environment wins, as python-dotenv does). Empty values count as unset.
public struct ConfigEnvironment: Sendable {
    public private(set) var values: [String: String]
    /// The env files that were read, lowest precedence first.
    public let files: [String]

    public init(_ values: [String: String], files: [String] = []) {
        self.values = values.filter { !$0.value.isEmpty }
        self.files = files
    }

    /// Reads the env files (later ones win) and then the process environment.
    public static func load(processEnvironment: [String: String], envFiles: [String]) throws -> ConfigEnvironment {
        var merged: [String: String] = [:]
        var read: [String] = []
        for path in envFiles where FileManager.default.fileExists(atPath: path) {
            merged.merge(try EnvFile.load(path: path).values) { _, new in new }
            read.append(path)
        }
        merged.merge(processEnvironment) { _, process in process }
        return ConfigEnvironment(merged, files: read)
    }

    public subscript(key: String) -> String? { values[key] }

    /// The env files read when none is named: the default file, then `./.env` (as the Python server
    /// reads it). `SCS_ENV_FILE` or an explicit path replaces both.
    /// - Parameter workingDirectoryFile: also read `./.env` (the server does, as the Python server
    ///   does; the client commands never do: a directory someone else prepared must not be able to
    ///   point them, and the key they send, at another server).
    public static func defaultEnvFiles(processEnvironment env: [String: String], explicit: String?, workingDirectoryFile: Bool = true) -> [String] {
        if let explicit { return [explicit] }
        if let named = env["SCS_ENV_FILE"], !named.isEmpty { return [named] }
        let home = defaultEnvFilePath(processEnvironment: env)
        return workingDirectoryFile ? [home, FileManager.default.currentDirectoryPath + "/.env"] : [home]
    }

    /// Whether `host` names this machine's loopback interface.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// Where `scs setup` writes keys by default: `$XDG_CONFIG_HOME/shared-context-server/scs.env`.
    public static func defaultEnvFilePath(processEnvironment env: [String: String]) -> String {
        if let named = env["SCS_ENV_FILE"], !named.isEmpty { return named }
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (home(env) + "/.config")
        return base + "/shared-context-server/scs.env"
    }

    static func home(_ env: [String: String]) -> String {
        env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }
}
