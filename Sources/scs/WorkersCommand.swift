import ArgumentParser
import Foundation
import SCSCore
import SCSSupervisor
import SCSWire

/// `scs workers status|restart`: talks to the running supervisor over its control socket.
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "Show or restart the running server's worker processes.",
        subcommands: [Status.self, Restart.self]
    )

    struct Target: ParsableArguments {
        @OptionGroup var environment: EnvironmentOptions

        @Option(help: "Control socket (default: <runtime dir>/control.sock from the same configuration as scs serve).")
        var socket: String?

        func controlSocket() throws -> String {
            if let socket { return socket }
            let configuration = try SCSConfiguration(
                environment: try environment.loadEnvironment(), workingDirectory: FileManager.default.currentDirectoryPath, cores: 1)
            return configuration.workers.runtimeDirectory + "/control.sock"
        }

        func call<M: WireMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
            let path = try controlSocket()
            let client: WireClient
            do {
                client = try await WireClient.connect(path: path, hello: Hello(role: .supervisor, pid: getpid(), version: SCSVersion.current))
            } catch {
                printError("scs workers: cannot reach the server at \(path) (is scs serve running with the same configuration?)")
                throw ExitCode(69)
            }
            defer { Task { await client.close() } }
            do {
                return try await client.call(method, params)
            } catch {
                printError("scs workers: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every worker: role, pid, state, restarts, uptime.")
        @OptionGroup var target: Target
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let workers = try await target.call(ControlStatusMethod.self, WireEmpty()).items
            WorkersCommand.print(workers, json: json)
        }
    }

    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rolling restart: each new worker is ready before its predecessor drains and stops.")
        @OptionGroup var target: Target
        @Argument(help: "search, memory or all") var role: String
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard ["search", "memory", "all"].contains(role) else { throw ValidationError("role must be search, memory or all") }
        }

        func run() async throws {
            let workers = try await target.call(ControlRestartMethod.self, .init(target: role)).items
            WorkersCommand.print(workers, json: json)
        }
    }

    static func print(_ workers: [WorkerStatus], json: Bool) {
        if json {
            Swift.print(JSONValue.array(workers.map(\.wire)).compactText)
            return
        }
        Swift.print("ROLE     SLOT  PID      STATE     RESTARTS  UPTIME_S  IN_FLIGHT")
        for worker in workers {
            let pid = worker.pid.map(String.init) ?? "-"
            let state = worker.degraded ? worker.state + "!" : worker.state
            Swift.print(
                [worker.role.rawValue.padding(8), String(worker.slot).padding(5), pid.padding(8), state.padding(9),
                 String(worker.restarts).padding(9), String(format: "%.1f", worker.uptime).padding(9), String(worker.inFlight)]
                    .joined(separator: " "))
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
