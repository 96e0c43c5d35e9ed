#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// An exclusive lock on the data directory (`scs.lock`, flock), held for the process lifetime, so a
/// second `scs serve` on the same directory refuses to start.
public final class DataDirectoryLock: Sendable {
    public let path: String
    let fd: Int32

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        path = directory + "/scs.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SupervisorError.alreadyRunning("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            let holder = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw SupervisorError.alreadyRunning(
                "another scs serve (pid \(holder)) is already running on the data directory \(directory); stop it first or use another SCS_DATA_DIR")
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }
}
