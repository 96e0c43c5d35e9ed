import ArgumentParser
import Foundation
import SCSCore

/// `scs client-config <client>`: ready-to-paste MCP client configuration.
struct ClientConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-config",
        abstract: "Print ready-to-paste configuration for an MCP client.",
        discussion: """
            Clients: claude (Claude Code), cursor, vscode, gemini, claude-desktop, codex, or all.
            HTTP clients get http://HOST:PORT/mcp/ with the X-API-Key header (the key is read from
            the environment or the key file `scs setup` wrote, never ./.env; a host that is not this
            machine needs --url); stdio-only clients (Claude Desktop,
            Codex) get `scs stdio`, which reads the key itself.
            """)

    enum Client: String, ExpressibleByArgument, CaseIterable {
        case claude, cursor, vscode, gemini, claudeDesktop = "claude-desktop", codex, all
    }

    @Argument(help: "claude, cursor, vscode, gemini, claude-desktop, codex or all.")
    var client: Client

    @Option(help: "Host in the URL (default MCP_CLIENT_HOST, else HTTP_HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port in the URL (default HTTP_PORT, else 23456).")
    var port: Int?

    @Option(help: "The server's MCP URL, when it is not on this machine (e.g. https://scs.example:23456/mcp/).")
    var url: String?

    @Option(name: .shortAndLong, help: "Claude Code scope: user, project or local.")
    var scope: String?

    @OptionGroup var environment: EnvironmentOptions

    func run() throws {
        let env = Self.environment(environment)
        let host = host ?? Self.host(env)
        let port = port ?? Self.port(env)
        // The printed configuration carries the API key: only --url may point it at another machine.
        guard self.url != nil || ConfigEnvironment.isLoopback(host) else {
            printError("scs client-config: \(host) is not this machine; name the server with --url to mean it")
            throw ExitCode(64)
        }
        let url = self.url ?? "http://\(host):\(port)/mcp/"
        let key = env["API_KEY"] ?? "YOUR_API_KEY_HERE"
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let clients = client == .all ? Client.allCases.filter { $0 != .all } : [client]
        for (index, each) in clients.enumerated() {
            if client == .all { print((index > 0 ? "\n" : "") + "## \(each.rawValue)\n") }
            print(Self.snippet(each, url: url, key: key, binary: binary, scope: scope))
        }
    }

    /// The env files (never ./.env: they may hold the API key) and the process environment.
    static func environment(_ options: EnvironmentOptions) -> ConfigEnvironment {
        (try? options.loadEnvironment(workingDirectoryFile: false)) ?? ConfigEnvironment(options.processEnvironment)
    }

    /// The host clients reach: MCP_CLIENT_HOST, else HTTP_HOST (0.0.0.0 as 127.0.0.1), else 127.0.0.1.
    static func host(_ env: ConfigEnvironment) -> String {
        env["MCP_CLIENT_HOST"] ?? env["HTTP_HOST"].map { $0 == "0.0.0.0" ? "127.0.0.1" : $0 } ?? "127.0.0.1"
    }

    static func port(_ env: ConfigEnvironment) -> Int { env["HTTP_PORT"].flatMap(Int.init) ?? 23456 }

    static func json(_ value: JSONValue) -> String { value.compactText }

    static func snippet(_ client: Client, url: String, key: String, binary: String, scope: String?) -> String {
        let headers: JSONValue = ["X-API-Key": .string(key)]
        switch client {
        case .claude:
            let config = json(["type": "http", "url": .string(url), "headers": headers])
            return "claude mcp add-json shared-context-server\(scope.map { " -s \($0)" } ?? "") '\(config)'"
        case .cursor:
            return "Add to ~/.cursor/mcp.json:\n" + json(["mcpServers": ["shared-context-server": ["url": .string(url), "headers": headers]]])
        case .vscode:
            return "Add to .vscode/mcp.json:\n" + json(["servers": ["shared-context-server": ["type": "http", "url": .string(url), "headers": headers]]])
        case .gemini:
            return "gemini mcp add shared-context-server \(url) -t http -H \"X-API-Key: \(key)\""
        case .claudeDesktop:
            return "Add to claude_desktop_config.json (scs stdio reads the API key from the env file):\n"
                + json(["mcpServers": ["shared-context-server": ["command": .string(binary), "args": ["stdio"]]]])
        case .codex:
            return "Add to ~/.codex/config.toml:\n[mcp_servers.shared-context-server]\ncommand = \"\(binary)\"\nargs = [\"stdio\"]"
        case .all:
            return ""
        }
    }
}
