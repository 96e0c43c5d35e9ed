/// The worker processes the supervisor runs.
public struct WorkerConfiguration: Sendable, Equatable {
    /// Number of search workers (`SCS_SEARCH_WORKERS`, default = number of cores).
    public var searchPoolSize: Int
    /// Directory of the worker and control sockets (0700).
    public var runtimeDirectory: String
    /// Largest wire frame, bytes (`SCS_MAX_FRAME_BYTES`, default 16 MiB).
    public var maxFrameBytes: Int

    public init(searchPoolSize: Int, runtimeDirectory: String, maxFrameBytes: Int = 16 << 20) {
        self.searchPoolSize = searchPoolSize
        self.runtimeDirectory = runtimeDirectory
        self.maxFrameBytes = maxFrameBytes
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
            runtimeDirectory: runtime,
            maxFrameBytes: Int(try env.number("SCS_MAX_FRAME_BYTES", default: Double(16 << 20), range: 1024...Double(1 << 30)))
        )
    }
}
