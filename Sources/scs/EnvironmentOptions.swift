import ArgumentParser
import Foundation
import SCSCore

/// Options shared by commands that read configuration.
struct EnvironmentOptions: ParsableArguments {
    @Option(
        name: .customLong("env-file"),
        help: ArgumentHelp(
            "Env file to read (KEY=value lines).",
            discussion: "Default: $SCS_ENV_FILE, else ~/.config/shared-context-server/scs.env and ./.env.",
            valueName: "path"
        )
    )
    var envFile: String?

    var processEnvironment: [String: String] { ProcessInfo.processInfo.environment }

    /// - Parameter workingDirectoryFile: read `./.env` too (only `scs serve` does).
    func loadEnvironment(workingDirectoryFile: Bool = true) throws -> ConfigEnvironment {
        try ConfigEnvironment.load(
            processEnvironment: processEnvironment,
            envFiles: ConfigEnvironment.defaultEnvFiles(
                processEnvironment: processEnvironment, explicit: envFile, workingDirectoryFile: workingDirectoryFile)
        )
    }

    /// The file `scs setup` writes.
    var setupPath: String {
        envFile ?? ConfigEnvironment.defaultEnvFilePath(processEnvironment: processEnvironment)
    }
}

/// Prints to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
