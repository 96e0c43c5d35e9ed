#if canImport(Glibc)
    import Glibc
#endif

/// Reads one line from standard input; on a terminal it prompts on stderr and turns echo off
/// while the line is typed, so a password never shows on screen or in the shell's history.
enum PasswordPrompt {
    static func read(prompt: String) -> String? {
        guard isatty(0) == 1 else { return readLine(strippingNewline: true) }
        writeError(prompt)
        var saved = termios()
        tcgetattr(0, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &silent)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            writeError("\n")
        }
        return readLine(strippingNewline: true)
    }

    private static func writeError(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
