#if canImport(Glibc)
    import Glibc
#endif

/// The worker processes the supervisor runs.
public struct WorkerConfiguration: Sendable, Equatable {
    /// Number of search workers (`SCS_SEARCH_WORKERS`, default = number of cores).
    public var searchPoolSize: Int
    /// Directory of the worker and control sockets (0700).
    public var runtimeDirectory: String
    /// Largest wire frame, bytes (`SCS_MAX_FRAME_BYTES`, default 16 MiB).
    public var maxFrameBytes: Int
    /// Memory each search worker's indexes may hold together (`SCS_SEARCH_INDEX_BYTES`, default
    /// 1 GiB); least recently searched sessions are dropped past it.
    public var searchIndexBytes: Int
    /// Whether each session's searches go to one worker (`SCS_SEARCH_AFFINITY`, default on; off
    /// sends each search to the least busy worker, so every worker indexes every session).
    public var searchAffinity: Bool

    public init(
        searchPoolSize: Int, runtimeDirectory: String, maxFrameBytes: Int = 16 << 20, searchIndexBytes: Int = 1 << 30,
        searchAffinity: Bool = true
    ) {
        self.searchPoolSize = searchPoolSize
        self.runtimeDirectory = runtimeDirectory
        self.maxFrameBytes = maxFrameBytes
        self.searchIndexBytes = searchIndexBytes
        self.searchAffinity = searchAffinity
    }

    /// Runtime dir: `$RUNTIME_DIRECTORY`, else `$XDG_RUNTIME_DIR/scs`, else `<data dir>/run`.
    public init(environment env: ConfigEnvironment, dataDirectory: String, cores: Int) throws(ConfigurationError) {
        let runtime: String
        if let systemd = env["RUNTIME_DIRECTORY"] {
            runtime = String(systemd.split(separator: ":").first ?? Substring(systemd))
        } else if let xdg = env["XDG_RUNTIME_DIR"] {
            runtime = xdg + "/scs"
        } else {
            runtime = dataDirectory + "/run"
        }
        self.init(
            searchPoolSize: Int(try env.number("SCS_SEARCH_WORKERS", default: Double(max(1, cores)), range: 1...64)),
            runtimeDirectory: Self.usableRuntimeDirectory(runtime),
            maxFrameBytes: Int(try env.number("SCS_MAX_FRAME_BYTES", default: Double(16 << 20), range: 1024...Double(1 << 30))),
            searchIndexBytes: Int(try env.number("SCS_SEARCH_INDEX_BYTES", default: Double(1 << 30), range: Double(1 << 20)...Double(1 << 40))),
            searchAffinity: try env.flag("SCS_SEARCH_AFFINITY", default: true)
        )
    }

    /// Unix socket paths are limited to 107 bytes. When `configured` is too deep for the sockets
    /// it must hold, a short private directory under /tmp (per user and configured path) is used.
    public static func usableRuntimeDirectory(_ configured: String) -> String {
        guard configured.utf8.count + 24 > 107 else { return configured }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in configured.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "/tmp/scs-\(getuid())-\(String(hash, radix: 16).prefix(12))"
    }
}
