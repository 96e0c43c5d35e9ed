import ArgumentParser
import Foundation
import Logging
import SCSCore
import SCSStorage
import SCSStorageSQLite
import SCSWire
import SCSWorker

#if canImport(Glibc)
    import Glibc
#endif

/// `scs worker search|memory --socket PATH`: one worker process (started by `scs serve`).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run one worker process (scs serve starts these; you normally do not).",
        discussion: """
            Reads only the process environment (never env files: workers hold no secrets):
              DATABASE_PATH / DATABASE_URL / SCS_DATA_DIR   where the database is
              LOG_LEVEL, LOG_FORMAT (text or json), SCS_MAX_FRAME_BYTES, SCS_SWEEP_INTERVAL (memory, seconds),
              SCS_SEARCH_INDEX_BYTES (search: memory of its indexes together)
              SCS_LIFELINE_FD   a pipe from the supervisor: the worker exits when it closes
              SCS_LISTEN_FD     a socket the supervisor already bound at --socket (else the worker binds it)
            """
    )

    enum Role: String, ExpressibleByArgument, CaseIterable {
        case search, memory
    }

    @Argument(help: "search or memory")
    var role: Role

    @Option(help: "Unix socket path to listen on (0600).")
    var socket: String

    func run() async throws {
        let environment = ConfigEnvironment(ProcessInfo.processInfo.environment)
        let configuration: SCSConfiguration
        let sweep: Double
        do {
            configuration = try SCSConfiguration(
                environment: environment, workingDirectory: FileManager.default.currentDirectoryPath, cores: 1)
            sweep = try environment.number("SCS_SWEEP_INTERVAL", default: 30, range: 0.01...86_400)
        } catch {
            printError("scs worker: \(error)")
            throw ExitCode(ConfigurationError.exitCode)
        }
        let logger = Logger.bootstrapped(label: "scs.worker.\(role.rawValue)", configuration.logging)
        if let fd = environment["SCS_LIFELINE_FD"].flatMap(Int32.init) { Lifeline.watch(fd: fd, logger: logger) }
        let storage: any Storage
        do {
            storage = try await StorageOpener.open(configuration.storage, role: .worker, logger: logger)
        } catch {
            logger.critical("cannot open storage", metadata: ["error": "\(error)"])
            throw ExitCode(69)
        }
        let runtime = WorkerRuntime(
            role: role == .search ? .search : .memory, socketPath: socket,
            listener: environment["SCS_LISTEN_FD"].flatMap(Int32.init), storage: storage, logger: logger,
            maximumFrameBytes: configuration.workers.maxFrameBytes, sweepInterval: sweep,
            searchIndexBytes: configuration.workers.searchIndexBytes)
        // The runtime and the signal race: a runtime that cannot start (the socket cannot be
        // bound, say) ends the worker at once with the cause logged, instead of leaving a
        // process that never says hello for the supervisor to kill after its timeout.
        let outcome = await withTaskGroup(of: WorkerOutcome.self) { group in
            group.addTask {
                do {
                    try await runtime.run(version: SCSVersion.current)
                    return .finished
                } catch is CancellationError {
                    return .finished
                } catch {
                    return .failed("\(error)")
                }
            }
            group.addTask { .signalled(await SignalWaiter.wait(for: [SIGTERM, SIGINT])) }
            let first = await group.next() ?? .finished
            group.cancelAll()
            return first
        }
        unlink(socket)
        switch outcome {
        case .signalled(let signal): logger.info("worker stopped", metadata: ["signal": "\(signal)"])
        case .finished: logger.info("worker stopped")
        case .failed(let reason):
            logger.critical("worker cannot serve", metadata: ["error": "\(reason)", "socket": "\(socket)"])
            throw ExitCode(WorkerOutcome.startupFailureExitCode)
        }
    }
}

/// How a worker's run ended.
enum WorkerOutcome: Sendable {
    case signalled(Int32)
    case finished
    case failed(String)

    /// EX_SOFTWARE: the worker could not do its job (the supervisor logs the status and restarts it).
    static let startupFailureExitCode: Int32 = 70
}

/// Exits the process when the supervisor's end of the lifeline pipe closes.
enum Lifeline {
    static func watch(fd: Int32, logger: Logger) {
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(fd, &byte, 1)
                if count == 0 || (count < 0 && errno != EINTR) { break }
            }
            logger.notice("supervisor gone (lifeline closed); exiting")
            exit(0)
        }
        thread.name = "scs-lifeline"
        thread.start()
    }
}
