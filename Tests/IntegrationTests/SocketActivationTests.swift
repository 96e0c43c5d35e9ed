import Foundation
import SCSCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("systemd socket activation (LISTEN_FDS)", .serialized)
struct SocketActivationTests {
    static var activate: String? {
        ["/usr/bin/systemd-socket-activate", "/bin/systemd-socket-activate"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A port that was free a moment ago.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("scs serve accepts on the socket systemd passes", .enabled(if: SocketActivationTests.activate != nil))
    func activated() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let port = Self.freePort()
        let environment = sandbox.environment(ServeHarness.keys.merging(["SCS_SEARCH_WORKERS": "1"]) { $1 })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.activate!)
        process.arguments = ["-l", "127.0.0.1:\(port)"] + environment.keys.sorted().flatMap { ["-E", $0] } + [SCSProcess.binary, "serve"]
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.work)
        let output = Pipe()
        process.standardError = output
        process.standardOutput = output
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
            }
        }
        // The first connection starts scs serve (systemd-socket-activate execs it on accept).
        var health: JSONValue?
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let (status, body) = try? HTTP.get(port: port, path: "/health", headers: ["X-API-Key": ServeHarness.keys["API_KEY"]!]), status == 200,
                let parsed = try? JSONValue.parse(body), parsed["status"] == "healthy" {
                health = parsed
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(health?["workers"]?.arrayValue?.count == 2)
        kill(process.processIdentifier, SIGTERM)
        #expect(await ProcessWait.finish(process, output: nil).status == 0)
    }
}
