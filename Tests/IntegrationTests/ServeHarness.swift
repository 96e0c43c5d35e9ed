import Foundation
import SCSCore

#if canImport(Glibc)
    import Glibc
#endif

/// A running `scs serve` on a sandbox data directory with generated keys and port 0.
struct ServeHarness {
    let sandbox: Sandbox
    let child: SCSProcess
    let port: Int

    static let keys = [
        "API_KEY": String(repeating: "a", count: 40), "JWT_SECRET_KEY": String(repeating: "b", count: 40),
        "JWT_ENCRYPTION_KEY": String(repeating: "c", count: 40),
    ]

    static func start(sandbox: Sandbox? = nil, extra: [String: String] = [:]) async throws -> ServeHarness {
        let sandbox = try sandbox ?? Sandbox()
        let environment = sandbox.environment(keys.merging(["SCS_SEARCH_WORKERS": "2", "LOG_LEVEL": "info"]) { $1 }.merging(extra) { $1 })
        let child = try SCSProcess(["serve", "--port", "0"], environment: environment, directory: sandbox.work)
        guard try await child.waitForOutput("address=http"), let port = Self.port(in: child.stderr) else {
            child.process.terminate()
            throw TestFailure("scs serve did not start: \(child.stderr.suffix(2_000))")
        }
        return ServeHarness(sandbox: sandbox, child: child, port: port)
    }

    static func port(in log: String) -> Int? {
        guard let range = log.range(of: #"address=http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) else { return nil }
        return Int(log[range].split(separator: ":").last!)
    }

    func health() throws -> JSONValue {
        let (status, body) = try HTTP.get(port: port, path: "/health", headers: ["X-API-Key": Self.keys["API_KEY"]!])
        guard status == 200 || status == 503 else { throw TestFailure("health answered \(status)") }
        return try JSONValue.parse(body)
    }

    func readyPIDs(_ role: String) throws -> [Int32] {
        (try health()["workers"]?.arrayValue ?? []).filter { $0["role"]?.stringValue == role && $0["state"]?.stringValue == "ready" }
            .compactMap { $0["pid"]?.intValue.map { Int32($0) } }.sorted()
    }

    func stop() async throws -> Int32 {
        kill(child.process.processIdentifier, SIGTERM)
        return try await child.waitForExit()
    }
}


/// A minimal HTTP/1.1 client over a TCP socket to 127.0.0.1 (no extra dependencies).
enum HTTP {
    static func get(port: Int, path: String, headers: [String: String] = [:]) throws -> (Int, String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("cannot connect to port \(port)") }
        let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extra)Connection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            response += buffer[..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "") else {
            throw TestFailure("malformed HTTP response")
        }
        var body = String(text[headerEnd.upperBound...])
        if text[..<headerEnd.lowerBound].lowercased().contains("transfer-encoding: chunked") { body = dechunk(body) }
        return (status, body)
    }

    static func dechunk(_ body: String) -> String {
        var result = ""
        var rest = Substring(body)
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let bytes = Array(rest[start...].utf8)
            result += String(decoding: bytes.prefix(size), as: UTF8.self)
            rest = Substring(String(decoding: bytes.dropFirst(size + 2), as: UTF8.self))
        }
        return result
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
