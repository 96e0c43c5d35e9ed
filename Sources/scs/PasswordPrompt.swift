#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Reads one line from standard input; on a terminal it prompts on stderr and turns echo off
/// while the line is typed, so a password never shows on screen or in the shell's history.
enum PasswordPrompt {
    static func read(prompt: String) -> String? {
        guard isatty(0) == 1 else { return readLine(strippingNewline: true) }
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(0, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &silent)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
