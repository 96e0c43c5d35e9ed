#if canImport(Glibc)
    import Glibc
#endif

/// A listening Unix socket the supervisor binds for a worker before it spawns it, and hands to the
/// worker as fd 4 (socket activation). The supervisor can connect the moment the worker exists:
/// the kernel queues the connection until the worker accepts, so no connect is ever retried, and a
/// worker that dies before its hello resets the queued connection at once.
struct ListeningSocket: ~Copyable {
    /// Close-on-exec and numbered 10 or above, so that placing it on fd 4 in the child cannot
    /// clobber the lifeline's descriptor (or be clobbered by it).
    let descriptor: Int32

    struct BindError: Error, CustomStringConvertible {
        let step: String
        let errno: Int32
        var description: String { "cannot \(step) the worker socket: \(String(cString: strerror(errno)))" }
    }

    /// Binds `path` (replacing a stale file), makes it 0600 and listens.
    init(path: String, backlog: Int32 = 256) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw BindError(step: "name", errno: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let raw = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw BindError(step: "create", errno: errno) }
        let fd = fcntl(raw, F_DUPFD_CLOEXEC, 10)
        let dupError = errno
        close(raw)
        guard fd >= 0 else { throw BindError(step: "place", errno: dupError) }
        unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, chmod(path, 0o600) == 0, listen(fd, backlog) == 0 else {
            let failure = errno
            close(fd)
            unlink(path)
            throw BindError(step: "bind", errno: failure)
        }
        descriptor = fd
    }

    /// The supervisor's copy is closed once the worker holds its own.
    deinit { close(descriptor) }
}
