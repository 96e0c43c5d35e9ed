import Foundation
import SCSCore
#if canImport(Glibc)
    import Glibc
#endif

/// `scs-bench load …` (MCP load generator, see LoadGenerator) or `scs-bench --scs … --out …`
/// (search benchmark, see SearchBenchmark).
@main
enum BenchMain {
    static func main() async throws {
        let arguments = CommandLine.arguments
        if arguments.count > 1, arguments[1] == "load" {
            guard let options = LoadGenerator.parse(arguments) else {
                FileHandle.standardError.write(Data("usage: scs-bench load --port P --api-key K --tool NAME --args JSON [--agents N] [--calls N]\n".utf8))
                exit(64)
            }
            print(LoadGenerator.run(options).compactText)
            return
        }
        try await SearchBenchmark.run()
    }
}
