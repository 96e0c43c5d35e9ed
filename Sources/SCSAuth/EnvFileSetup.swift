import Foundation
import SCSCore

/// What `scs setup` does to an env file: adds missing secrets, keeps existing ones unless forced,
/// writes with mode 0600. It never returns or prints a secret value.
public struct EnvFileSetup: Sendable {
    public struct Outcome: Sendable, Equatable {
        /// Secrets written this time.
        public var written: [String]
        /// Secrets that were present and kept.
        public var kept: [String]
        /// Kept secrets that are too short for `scs serve` (use `--force` to replace them).
        public var tooShort: [String]
    }

    public let path: String
    public init(path: String) { self.path = path }

    /// Adds the missing secrets; with `adminPasswordHash` (from `DashboardPassword.hash`) also
    /// stores it as `ADMIN_PASSWORD_HASH`, replacing any earlier one.
    public func run(force: Bool, adminPasswordHash: String? = nil) throws -> Outcome {
        var file = try EnvFile.load(path: path)
        var outcome = Outcome(written: [], kept: [], tooShort: [])
        if let adminPasswordHash {
            file.set("ADMIN_PASSWORD_HASH", adminPasswordHash)
            outcome.written.append("ADMIN_PASSWORD_HASH")
        }
        for name in SecretsConfiguration.names {
            if let existing = file[name], !existing.isEmpty, !force {
                outcome.kept.append(name)
                if existing.utf8.count < SecretsConfiguration.minimumLength { outcome.tooShort.append(name) }
                continue
            }
            file.set(name, SecretGenerator.generate(name))
            outcome.written.append(name)
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        }
        try writePrivately(file.text)
        return outcome
    }

    /// Writes through a 0600 temporary file renamed into place, so the secrets are never readable
    /// by others, not even for a moment, and a crash leaves the old file whole.
    func writePrivately(_ text: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        fchmod(fd, 0o600)
        fsync(fd)
        close(fd)
        guard written == bytes.count else {
            unlink(temporary)
            throw POSIXError(.EIO)
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}
