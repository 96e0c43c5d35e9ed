import Dispatch
import Foundation
import FuzzSupport
import Logging
import SCSApplication
import SCSAuth
import SCSCore
import SCSMCP
import SCSStorage
import SCSStorageSQLite
import SCSTools
import SCSTesting
import OrderedCollections

/// One JSON-RPC body (a request, a notification or a batch) through the in-process MCP server:
/// the 23 tools, resources and prompts over a real SQLite file, with the search and memory
/// workers' handlers called in this process. The caller is an admin agent (its token comes as the
/// bearer token), so that every rule is reachable; `@S` in the input stands for a real session id
/// and `@M` for a real message id. Every request gets a JSON-RPC answer that never repeats the
/// token and stays within the result budget.

/// Runs async work to completion from the fuzzer's thread (not a cooperative-pool thread).
final class Blocking<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)

    static func run(_ body: @escaping @Sendable () async -> T) -> T {
        let box = Blocking<T>()
        Task {
            box.value = await body()
            box.done.signal()
        }
        box.done.wait()
        return box.value!
    }
}

/// Used from libFuzzer's one thread only.
final class Harness: @unchecked Sendable {
    let server: MCPServer
    let tokens: TokenService
    var token = ""
    var sessionID = ""
    var messageID: Int64 = 0
    /// `SCS_FUZZ_ECHO=1`: print the start of each answer (to check that seeds reach the tools).
    let echo = ProcessInfo.processInfo.environment["SCS_FUZZ_ECHO"] == "1"
    /// The tool result budget (`resultBudget`) plus room for the JSON-RPC envelope around it.
    let budget = 1 << 20

    init() throws {
        let directory = NSTemporaryDirectory() + "scs-fuzz-mcp-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let storage = try SQLiteStorage(
            configuration: StorageConfiguration(backend: .sqlite(path: directory + "/scs.db")), schema: .migrate)
        var logger = Logger(label: "fuzz")
        logger.logLevel = .critical
        // The server `scs serve` assembles, with the workers' handlers in this process.
        var parts = ServerParts.inProcess(
            storage: storage, directory: directory, workers: try InProcessWorkers(storage: storage), version: "fuzz", logger: logger)
        parts.resultBudget = budget
        parts.longestWait = 0.01
        let application = ServerApplication(parts)
        tokens = application.tokens
        server = application.server
        signIn()
        openSession()
    }

    /// A fresh session with one message for `@S` and `@M` (again after an input closed it).
    func openSession() {
        guard let session = call("create_session", ["purpose": "fuzz"])?["session_id"]?.stringValue,
              case .int(let id)? = call("add_message", ["session_id": .string(session), "content": "seed message"])?["message_id"]
        else { fatalError("fuzz harness: setup failed") }
        sessionID = session
        messageID = id
    }

    var client: MCPClientContext {
        MCPClientContext(mcpSessionID: "fuzz0000000000000000000000000000", hasSession: true, bearerToken: token, apiKeyValid: true)
    }

    /// An admin token for the caller (again after an input revoked it).
    func signIn() {
        token = ""
        let issued = call("authenticate_agent", [
            "agent_id": "fuzzer", "agent_type": "admin", "requested_permissions": ["read", "write", "admin"],
        ])
        guard let fresh = issued?["token"]?.stringValue else { fatalError("fuzz harness: authenticate_agent failed") }
        token = fresh
    }

    /// A tool's structured result, through the same path as any request.
    func call(_ tool: String, _ arguments: JSONObject) -> JSONObject? {
        let request = JSONRPC.Message.request(id: .int(0), method: "tools/call", params: ["name": .string(tool), "arguments": .object(arguments)])
        let server = server
        let client = client
        let reply = Blocking<[UInt8]?>.run { await server.respond(request, client: client) }
        return (try? JSONValue.parse(reply ?? []))?["result"]?["structuredContent"]?.objectValue
    }

    /// The input with its placeholders filled in.
    func expand(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var text = String(decoding: input, as: UTF8.self)
        text = text.replacingOccurrences(of: "@S", with: sessionID).replacingOccurrences(of: "@M", with: String(messageID))
        return Array(text.utf8)
    }

    func run(_ input: UnsafeBufferPointer<UInt8>) {
        guard let parsed = try? JSONRPC.body(expand(input)) else { return }
        let server = server
        let client = client
        let replies = Blocking<[[UInt8]]>.run {
            var replies: [[UInt8]] = []
            for case .success(let message) in parsed {
                let reply = await server.respond(message, client: client)
                if case .request = message { precondition(reply != nil, "a request got no answer") }
                if let reply { replies.append(reply) }
            }
            return replies
        }
        for reply in replies {
            if echo { print(String(decoding: reply.prefix(300), as: UTF8.self)) }
            precondition((try? JSONValue.parse(reply))?["jsonrpc"] == "2.0", "an answer is not JSON-RPC")
            precondition(!String(decoding: reply, as: UTF8.self).contains(token), "an answer repeated the caller's token")
            precondition(reply.count <= budget + (256 << 10), "an answer exceeded the result budget")
        }
        let tokens = tokens
        let token = token
        if !Blocking<Bool>.run({ (try? await tokens.resolve(token)) != nil }) { signIn() }
        if String(decoding: input, as: UTF8.self).contains("close_session") { openSession() }
    }
}

let harness: Harness = {
    do { return try Harness() } catch { fatalError("fuzz harness: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMCP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    harness.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

@_cdecl("FuzzMCP_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMCP)
}
