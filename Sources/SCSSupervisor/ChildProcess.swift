#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization

/// A worker process started with `posix_spawn` (never a bare fork in this threaded process):
/// stdin from /dev/null, stdout/stderr shared with the supervisor (journald), a lifeline pipe on
/// fd 3 (the worker exits when it closes), its listening socket on fd 4 when one is given, every
/// other descriptor closed, and exactly the environment given (no secrets).
public struct ChildProcess: Sendable {
    public let pid: Int32
    /// The supervisor's end of the lifeline; closing it tells the worker to go.
    let lifeline: Int32

    public struct SpawnError: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { "spawn failed: \(String(cString: strerror(errno)))" }
    }

    /// Serializes spawns so no child inherits another's lifeline between `pipe` and `FD_CLOEXEC`.
    private static let spawnLock = Mutex(())

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), found at run time.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// The fd a passed listening socket gets in the worker.
    public static let listenerDescriptor: Int32 = 4

    public static func spawn(executable: String, arguments: [String], environment: [String: String], listener: Int32? = nil) throws -> ChildProcess {
        try spawnLock.withLock { _ in
            try spawnLocked(executable: executable, arguments: arguments, environment: environment, listener: listener)
        }
    }

    private static func spawnLocked(
        executable: String, arguments: [String], environment: [String: String], listener: Int32?
    ) throws -> ChildProcess {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw SpawnError(errno: errno) }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        defer { close(readEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, readEnd, 3)
        if let listener { posix_spawn_file_actions_adddup2(&actions, listener, listenerDescriptor) }
        // Descriptors are close-on-exec anyway (NIO, SQLite, ours); this also closes any that are not.
        _ = addCloseFrom?(&actions, listenerDescriptor + 1)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal handling in the child (the supervisor ignores some signals).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(writeEnd)
            throw SpawnError(errno: status)
        }
        return ChildProcess(pid: pid, lifeline: writeEnd)
    }

    /// Waits for the process to exit (on a dedicated thread) and returns its wait status.
    public func waitForExit() async -> Int32 {
        let pid = self.pid
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                continuation.resume(returning: status)
            }
            thread.name = "scs-wait-\(pid)"
            thread.start()
        }
    }

    public func signal(_ number: Int32) {
        kill(pid, number)
    }

    /// Closes the lifeline (the worker exits when it sees EOF).
    public func closeLifeline() {
        close(lifeline)
    }

    /// Path of the running executable (workers are this same binary).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
