import ArgumentParser

/// `scs`: the shared-context-server executable.
@main
struct SCSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scs",
        abstract: "shared-context-server: an MCP server where AI agents share sessions, messages and memory.",
        discussion: """
            Quick start:
              scs setup     generate API_KEY, JWT_SECRET_KEY and JWT_ENCRYPTION_KEY into an env file (0600)
              scs serve     start the server (SQLite by default) on 127.0.0.1:23456
              scs agents    register agents whose keys are their identities (IDENTITY_MODE=verified)

            Configuration comes from the environment and env files; see `scs serve --help`.
            """,
        version: SCSVersion.current,
        subcommands: [
            SetupCommand.self, ServeCommand.self, StdioCommand.self, ClientConfigCommand.self, WorkersCommand.self, WorkerCommand.self,
            DatabaseCommand.self, AgentsCommand.self,
        ]
    )
}

enum SCSVersion {
    static let current = "0.1.0"
}
