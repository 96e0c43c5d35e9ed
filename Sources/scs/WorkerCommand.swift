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
              LOG_LEVEL, SCS_MAX_FRAME_BYTES, SCS_SWEEP_INTERVAL (memory, seconds),
              SCS_SEARCH_INDEX_BYTES (search: memory of its indexes together)
              SCS_LIFELINE_FD   a pipe from the supervisor: the worker exits when it closes
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
        let logger = Logger.bootstrapped(label: "scs.worker.\(role.rawValue)", level: configuration.logging.level)
        if let fd = environment["SCS_LIFELINE_FD"].flatMap(Int32.init) { Lifeline.watch(fd: fd, logger: logger) }
        let storage: any Storage
        do {
            storage = try SQLiteStorage(configuration: configuration.storage, schema: .requireCurrent)
        } catch {
            logger.critical("cannot open storage", metadata: ["error": "\(error)"])
            throw ExitCode(69)
        }
        let runtime = WorkerRuntime(
            role: role == .search ? .search : .memory, socketPath: socket, storage: storage, logger: logger,
            maximumFrameBytes: configuration.workers.maxFrameBytes, sweepInterval: sweep,
            searchIndexBytes: configuration.workers.searchIndexBytes)
        let task = Task { try await runtime.run(version: SCSVersion.current) }
        let signal = await SignalWaiter.wait(for: [SIGTERM, SIGINT])
        logger.info("worker stopping", metadata: ["signal": "\(signal)"])
        task.cancel()
        _ = await task.result
        unlink(socket)
    }
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
