import Foundation

/// Everything `scs serve` needs, one struct per component.
public struct SCSConfiguration: Sendable {
    /// The directory that holds the database (by default), the lock file and, without a runtime
    /// directory, the sockets.
    public var dataDirectory: String
    public var storage: StorageConfiguration
    public var http: HTTPConfiguration
    public var auth: AuthConfiguration
    public var logging: LoggingConfiguration
    public var workers: WorkerConfiguration

    public init(
        dataDirectory: String, storage: StorageConfiguration, http: HTTPConfiguration = .init(),
        auth: AuthConfiguration = .init(), logging: LoggingConfiguration = .init(), workers: WorkerConfiguration
    ) {
        self.dataDirectory = dataDirectory
        self.storage = storage
        self.http = http
        self.auth = auth
        self.logging = logging
        self.workers = workers
    }

    /// Reads every component's settings (secrets are read separately: workers never get them).
    ///
    /// Data directory: `SCS_DATA_DIR`, else `$STATE_DIRECTORY` (systemd), else
    /// `$XDG_DATA_HOME/shared-context-server`, else `~/.local/share/shared-context-server`.
    public init(environment env: ConfigEnvironment, workingDirectory: String, cores: Int) throws(ConfigurationError) {
        let dataDirectory = Self.dataDirectory(env)
        self.init(
            dataDirectory: dataDirectory,
            storage: try StorageConfiguration(environment: env, dataDirectory: dataDirectory, workingDirectory: workingDirectory),
            http: try HTTPConfiguration(environment: env),
            auth: try AuthConfiguration(environment: env),
            logging: try LoggingConfiguration(environment: env),
            workers: try WorkerConfiguration(environment: env, dataDirectory: dataDirectory, cores: cores)
        )
    }

    static func dataDirectory(_ env: ConfigEnvironment) -> String {
        if let explicit = env["SCS_DATA_DIR"] { return explicit }
        if let state = env["STATE_DIRECTORY"] { return String(state.split(separator: ":").first ?? Substring(state)) }
        let base = env["XDG_DATA_HOME"] ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return base + "/shared-context-server"
    }
}
