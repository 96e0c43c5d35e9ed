import Foundation
import Logging
import NIOCore
import SCSCore
import SCSWire
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A slow method, to show out-of-order answers.
enum SleepMethod: WireMethod {
    static let name = "test.sleep"
    static let role = WireRole.search
    typealias Params = PingMethod.Result
    typealias Result = PingMethod.Result
}

@Suite("Worker protocol over a real Unix socket")
struct WireSocketTests {
    /// Runs a server with ping, sleep and an SCSError-throwing method; `body` gets the socket path.
    static func withServer(_ body: (String) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "scs-wire-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/w.sock"
        var router = WireRouter()
        router.register(PingMethod.self) { _ in PingMethod.Result(pid: getpid(), inFlight: 0) }
        router.register(SleepMethod.self) { params in
            try await Task.sleep(for: .milliseconds(Int64(params.inFlight)))
            return params
        }
        router.register(MemoryGetMethod.self) { params in throw SCSError.memoryNotFound(params.key) }
        let server = WireServer(
            path: path, hello: Hello(role: .search, pid: getpid(), version: "test"), router: router,
            maximumFrameBytes: 4_096, logger: Logger(label: "test"))
        let (bound, signal) = AsyncStream<Void>.makeStream()
        let task = Task { try await server.run(onBound: { signal.yield() }) }
        for await _ in bound { break }
        do {
            try await body(path)
        } catch {
            task.cancel()
            throw error
        }
        task.cancel()
        _ = await task.result
    }

    static func client(_ path: String) async throws -> WireClient {
        try await WireClient.connect(path: path, hello: Hello(role: .supervisor, pid: getpid(), version: "test"))
    }

    /// Writes raw bytes on a fresh connection, then closes it.
    static func raw(_ path: String, _ bytes: [UInt8], readReply: Bool = false) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    @Test("hello exchange, pipelined calls answered out of order, domain errors and unknown methods")
    func calls() async throws {
        try await Self.withServer { path in
            let client = try await Self.client(path)
            #expect(client.peer.role == .search && client.peer.pid == getpid())
            let order = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask { Int(try await client.call(SleepMethod.self, .init(pid: 1, inFlight: 300)).pid) }
                group.addTask { Int(try await client.call(SleepMethod.self, .init(pid: 2, inFlight: 1)).pid) }
                var order: [Int] = []
                for try await pid in group { order.append(pid) }
                return order
            }
            #expect(order == [2, 1])
            let error = await #expect(throws: SCSError.self) {
                _ = try await client.call(MemoryGetMethod.self, .init(identity: .anonymous(mcpSessionID: "x"), key: "k", sessionID: nil))
            }
            #expect(error?.code == .memoryNotFound && error?.suggestions.isEmpty == false)
            await #expect(throws: WireError.remote(code: "UNKNOWN_METHOD", message: "unknown method memory.set")) {
                _ = try await client.call(MemorySetMethod.self, .init(identity: .anonymous(mcpSessionID: "x"), key: "k", value: 1))
            }
            await client.close()
        }
    }

    @Test("garbage, oversized, truncated and headless frames close only their own connection")
    func hostilePeers() async throws {
        try await Self.withServer { path in
            let good = try await Self.client(path)
            let hello = WireEnvelope.hello(Hello(role: .supervisor, pid: 1, version: "x")).buffer()
            let helloFrame = FrameCodecTests.frame(Array(hello.readableBytesView))
            let attacks: [[UInt8]] = [
                Array("GET / HTTP/1.1\r\n\r\n".utf8),                       // garbage
                [0, 0, 0, 0],                                               // zero length
                [0x7F, 0xFF, 0xFF, 0xFF],                                   // oversized
                [0, 0, 0, 100] + Array(repeating: 0x41, count: 10),         // truncated, then disconnect
                FrameCodecTests.frame(Array(#"{"id":1,"method":"health.ping","params":{}}"#.utf8)),  // no hello first
                helloFrame + FrameCodecTests.frame([0xFF, 0xFE]),           // invalid UTF-8 after hello
                helloFrame + FrameCodecTests.frame(Array("[1,2".utf8)),     // invalid JSON after hello
            ]
            for attack in attacks { Self.raw(path, attack) }
            for _ in 0..<20 {
                #expect(try await good.call(PingMethod.self, WireEmpty()).pid == getpid())
            }
            let fresh = try await Self.client(path)
            #expect(try await fresh.call(PingMethod.self, WireEmpty()).pid == getpid())
            await good.close()
            await fresh.close()
        }
    }

    @Test("calls in flight fail with connectionLost when the server goes away")
    func connectionLost() async throws {
        var client: WireClient?
        var pending: Task<PingMethod.Result, any Error>?
        try await Self.withServer { path in
            let connected = try await Self.client(path)
            client = connected
            pending = Task { try await connected.call(SleepMethod.self, .init(pid: 1, inFlight: 5_000)) }
            #expect(await connected.activity.wait(timeout: 30) { $0.inFlight > 0 })
        }
        // The server task was cancelled: its connections close.
        await #expect(throws: WireError.connectionLost) { _ = try await pending!.value }
        #expect(client?.isOpen == false)
        await #expect(throws: WireError.connectionLost) { _ = try await client!.call(PingMethod.self, WireEmpty()) }
    }

    @Test("a call without an answer in time fails with timedOut; the connection stays usable")
    func callDeadline() async throws {
        try await Self.withServer { path in
            let client = try await WireClient.connect(
                path: path, hello: Hello(role: .supervisor, pid: getpid(), version: "test"), callTimeout: 1)
            await #expect(throws: WireError.timedOut(seconds: 1)) {
                _ = try await client.call(SleepMethod.self, .init(pid: 1, inFlight: 10_000))
            }
            #expect(client.inFlight == 0 && client.isOpen)
            #expect(try await client.call(SleepMethod.self, .init(pid: 7, inFlight: 1)).pid == 7)
            await client.close()
        }
    }

    @Test("one connection has at most 256 requests in flight; more are refused at once, heartbeats still answered")
    func inFlightBound() async throws {
        try await Self.withServer { path in
            let client = try await Self.client(path)
            let extra = 20
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<(WireProtocol.maximumInFlightPerConnection + extra) {
                    group.addTask {
                        do {
                            _ = try await client.call(SleepMethod.self, .init(pid: 1, inFlight: 1_500))
                            return true
                        } catch let error as SCSError where error.code == .workerUnavailable && error.recoverable {
                            return false
                        }
                    }
                }
                // While the sleepers hold every slot, a heartbeat is answered.
                #expect(await client.activity.wait(timeout: 30) { $0.inFlight >= WireProtocol.maximumInFlightPerConnection })
                #expect(try await client.call(PingMethod.self, WireEmpty()).pid == getpid())
                var outcomes: [Bool] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 }.count == WireProtocol.maximumInFlightPerConnection)
            #expect(outcomes.filter { !$0 }.count == extra)
            // Once they are answered, the connection takes requests again.
            #expect(try await client.call(SleepMethod.self, .init(pid: 3, inFlight: 1)).pid == 3)
            await client.close()
        }
    }
}
