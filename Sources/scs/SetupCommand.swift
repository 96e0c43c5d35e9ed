import ArgumentParser
import SCSAuth
import SCSCore

/// `scs setup`: generates the three secrets into an env file.
struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Generate API_KEY, JWT_SECRET_KEY and JWT_ENCRYPTION_KEY into an env file (mode 0600).",
        discussion: """
            Existing keys are kept unless --force is given; other lines of the file are preserved.
            The keys are never printed: read them from the file (e.g. to configure a client, use
            `scs client-config`).

            --admin-password reads the web dashboard's operator password from standard input (one
            line, at least 8 characters; not echoed on a terminal) and stores only its scrypt hash,
            as ADMIN_PASSWORD_HASH. The hash is used instead of a plain ADMIN_PASSWORD.
            """
    )

    @OptionGroup var environment: EnvironmentOptions

    @Flag(help: "Replace keys that already exist.")
    var force = false

    @Flag(help: "Read a dashboard password from standard input and store its hash as ADMIN_PASSWORD_HASH.")
    var adminPassword = false

    func run() throws {
        let path = environment.setupPath
        var passwordHash: String?
        if adminPassword {
            guard let password = PasswordPrompt.read(prompt: "Dashboard password: "), password.utf8.count >= 8, password.utf8.count <= 1_024
            else {
                printError("scs setup: the dashboard password must be one line of 8 to 1,024 characters on standard input")
                throw ExitCode(64)
            }
            passwordHash = try DashboardPassword.hash(password)
        }
        let outcome: EnvFileSetup.Outcome
        do {
            outcome = try EnvFileSetup(path: path).run(force: force, adminPasswordHash: passwordHash)
        } catch {
            printError("scs setup: could not write \(path): \(error)")
            throw ExitCode(73)
        }
        if !outcome.written.isEmpty {
            print("Wrote \(outcome.written.joined(separator: ", ")) to \(path) (mode 0600).")
        }
        if !outcome.kept.isEmpty {
            print("Kept existing \(outcome.kept.joined(separator: ", ")) in \(path) (use --force to replace).")
        }
        if !outcome.tooShort.isEmpty {
            print(
                "Warning: \(outcome.tooShort.joined(separator: ", ")) shorter than \(SecretsConfiguration.minimumLength) bytes; "
                    + "`scs serve` will refuse them. Run `scs setup --force` to replace them."
            )
        }
        print("Start the server with: scs serve\(environment.envFile.map { " --env-file \($0)" } ?? "")")
    }
}
