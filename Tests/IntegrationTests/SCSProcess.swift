import Foundation
import Synchronization

/// The built `scs` executable run as a child process, with its output captured.
final class SCSProcess: Sendable {
    let process: Process
    private let output = OutputBuffer()

    /// Path of the built binary: `$SCS_BINARY`, else next to the test bundle.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["SCS_BINARY"] { return explicit }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if directory.lastPathComponent == "MacOS" || directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("scs").path
    }

    init(_ arguments: [String], environment: [String: String], directory: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.state.withLock { $0.stdout += text }
        }
        err.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.state.withLock { $0.stderr += text }
        }
        try process.run()
    }

    var stdout: String { output.state.withLock { $0.stdout } }
    var stderr: String { output.state.withLock { $0.stderr } }

    /// Waits (bounded) until the combined output contains `text`.
    func waitForOutput(_ text: String, timeout: Double = 30) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (stdout + stderr).contains(text) { return true }
            if !process.isRunning { return (stdout + stderr).contains(text) }
            try await Task.sleep(for: .milliseconds(20))
        }
        // The deadline may pass while this task waits for a thread on a busy machine: look once more.
        return (stdout + stderr).contains(text)
    }

    /// Waits (bounded) for exit and returns the status; kills the process if it overstays.
    func waitForExit(timeout: Double = 30) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        process.waitUntilExit()
        // Let the pipe handlers drain.
        try await Task.sleep(for: .milliseconds(50))
        return process.terminationStatus
    }

    /// Runs `scs` to completion.
    static func run(_ arguments: [String], environment: [String: String], directory: String) async throws -> (Int32, SCSProcess) {
        let child = try SCSProcess(arguments, environment: environment, directory: directory)
        return (try await child.waitForExit(), child)
    }
}

final class OutputBuffer: Sendable {
    let state = Mutex((stdout: "", stderr: ""))
}

/// A scratch HOME and working directory, so no real env file or `.env` is read.
struct Sandbox {
    let root: String
    var home: String { root + "/home" }
    var work: String { root + "/work" }

    init() throws {
        root = NSTemporaryDirectory() + "scs-it-\(UUID().uuidString.prefix(8))"
        for directory in [root + "/home", root + "/work"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    /// A minimal environment: only what we choose (nothing inherited that could hold secrets).
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": home, "PATH": "/usr/bin:/bin", "LOG_LEVEL": "info"].merging(extra) { $1 }
    }

    var envFile: String { home + "/.config/shared-context-server/scs.env" }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Waits for a process on a thread of its own: `waitUntilExit` blocks, and a blocked thread of
/// the cooperative pool (two on a 2-core machine) stalls every other test's task.
enum ProcessWait {
    /// The output read to its end, then the exit status.
    static func finish(_ process: Process, output: Pipe?) async -> (status: Int32, output: String) {
        await withCheckedContinuation { continuation in
            Thread {
                let data = output?.fileHandleForReading.readDataToEndOfFile() ?? Data()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }.start()
        }
    }
}
