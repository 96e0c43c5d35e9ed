import ArgumentParser
import Foundation
import Logging
import SCSAuth
import SCSCore
import SCSStorage

/// `scs agents`: the registered agents of the database this server uses (README, "Security").
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "Register agents, each with a key that is its identity (IDENTITY_MODE=verified).",
        discussion: """
            An agent key (sca_…) opens /mcp in X-API-Key or Authorization: Bearer and is the agent on every call, with no authenticate_agent and no auth_token; it is shown once and kept only as a digest. Agents live in the database (DATABASE_URL / DATABASE_PATH), so every node knows them; a rotated or revoked key fails everywhere within a second.
            """,
        subcommands: [Add.self, List.self, Rotate.self, Revoke.self, Remove.self, Seen.self])

    /// The configured database (as `scs serve` opens it, migrated).
    static func storage(_ options: EnvironmentOptions) async throws -> any Storage {
        let configuration: SCSConfiguration
        do {
            configuration = try SCSConfiguration(
                environment: try options.loadEnvironment(), workingDirectory: FileManager.default.currentDirectoryPath,
                cores: ProcessInfo.processInfo.activeProcessorCount)
        } catch let error as ConfigurationError {
            printError("scs agents: \(error.message)")
            throw ExitCode(ConfigurationError.exitCode)
        }
        var logger = Logger(label: "scs.agents")
        logger.logLevel = .error
        do {
            return try await StorageOpener.open(configuration.storage, role: .supervisor, logger: logger)
        } catch {
            printError("scs agents: cannot open the database: \(error)")
            throw ExitCode(69)
        }
    }

    /// Runs `body` on the database, closing it after; an `SCSError` is printed and exits 1.
    static func with(_ options: EnvironmentOptions, _ body: (any Storage) async throws -> Void) async throws {
        let storage = try await storage(options)
        do {
            try await body(storage)
        } catch let error as SCSError {
            try? await storage.close()
            printError("scs agents: \(error.message)")
            throw ExitCode(1)
        }
        try await storage.close()
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an agent and print its key (shown once).")

        @Argument(help: "The agent's id.") var agentID: String
        @Option(help: "Its agent type (decides which permissions it may hold).") var type: String
        @Option(help: "Permissions, comma-separated (read, write, admin, debug; default read,write).") var permissions = "read,write"
        @Option(help: "Also print the configuration of this MCP client with the key (claude, cursor, vscode, gemini).")
        var client: ClientConfigCommand.Client?
        @Option(help: "The server's MCP URL for --client (default http://HTTP_HOST:HTTP_PORT/mcp/).") var url: String?
        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            let trimmed = agentID.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !TextSanitizer.hasControlCharacter(agentID), !TextSanitizer.hasControlCharacter(type), !type.isEmpty,
                  !AgentIdentity.isReserved(agentID), agentID.count <= Limits.agentIDLength, type.count <= Limits.agentTypeLength
            else {
                printError("scs agents add: \(agentID.debugDescription) --type \(type.debugDescription) is not a usable agent id and type (1-\(Limits.agentIDLength) characters, no control characters, not \(AgentIdentity.reservedPrefix)…)")
                throw ExitCode(64)
            }
            try await AgentsCommand.with(environment) { storage in
                let (key, agent) = try await AgentKeys(store: storage).register(
                    agentID: agentID, agentType: type, permissions: permissions.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                print("agent \(agent.agentID) (\(agent.agentType): \(agent.permissions.joined(separator: ", ")))")
                print("key: \(key)")
                print("Shown once: it is kept only as a digest. It goes in X-API-Key (or Authorization: Bearer) instead of the API key.")
                if let client {
                    let env = ClientConfigCommand.environment(environment)
                    let url = url ?? "http://\(ClientConfigCommand.host(env)):\(ClientConfigCommand.port(env))/mcp/"
                    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
                    print("")
                    print(ClientConfigCommand.snippet(client, url: url, key: key, binary: binary, scope: nil))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered agents (never their keys).")
        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            try await AgentsCommand.with(environment) { storage in
                let agents = try await storage.registeredAgents()
                if agents.isEmpty { print("no registered agents (scs agents add <agent_id> --type <type>)") }
                for agent in agents {
                    let state = agent.revokedAt.map { "revoked \(Timestamp.iso($0))" } ?? "key of \(Timestamp.iso(agent.keyCreatedAt))"
                    print("\(agent.agentID)\t\(agent.agentType)\t\(agent.permissions.joined(separator: ","))\t\(state)")
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an agent a new key (the old one stops working).")
        @Argument(help: "The agent's id.") var agentID: String
        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            try await AgentsCommand.with(environment) { storage in
                guard let key = try await AgentKeys(store: storage).rotate(agentID: agentID) else {
                    throw SCSError(code: .invalidInput, message: "no registered agent \(agentID.debugDescription) with a key to rotate (unknown or revoked)")
                }
                print("key: \(key)")
                print("Shown once. The previous key fails on every node within a second.")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an agent's key (the agent stays listed, as revoked).")
        @Argument(help: "The agent's id.") var agentID: String
        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            try await AgentsCommand.with(environment) { storage in
                guard try await storage.revokeAgent(agentID: agentID, at: Date().timeIntervalSince1970) else {
                    throw SCSError(code: .invalidInput, message: "no registered agent \(agentID.debugDescription) with a live key")
                }
                print("revoked \(agentID): its key fails on every node within a second")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a registered agent (its key stops working).")
        @Argument(help: "The agent's id.") var agentID: String
        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            try await AgentsCommand.with(environment) { storage in
                guard try await storage.removeAgent(agentID: agentID) else {
                    throw SCSError(code: .invalidInput, message: "no registered agent \(agentID.debugDescription)")
                }
                print("removed \(agentID)")
            }
        }
    }

    struct Seen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the agent ids and types found in the database, to register the real ones before IDENTITY_MODE=verified.")
        @Option(help: "Most rows.") var limit = 200
        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            try await AgentsCommand.with(environment) { storage in
                let registered = Set(try await storage.registeredAgents().map(\.agentID))
                for agent in try await storage.seenAgents(limit: max(1, min(limit, 100_000))) {
                    let mark = registered.contains(agent.agentID) ? "registered" : "not registered"
                    print("\(agent.agentID)\t\(agent.agentType)\tlast seen \(Timestamp.iso(agent.lastSeen))\t\(mark)")
                }
            }
        }
    }
}
