import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SCSCore
import OrderedCollections

/// `scs stdio`: an MCP endpoint on standard input/output (one JSON-RPC message per line) that
/// forwards every message to the running `scs serve`, so clients that only speak stdio share the
/// one server. The API key comes from the environment or the env file `scs setup` wrote.
struct StdioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stdio",
        abstract: "Serve MCP over stdio by forwarding to the running scs serve.",
        discussion: """
            Reads API_KEY, HTTP_HOST/MCP_CLIENT_HOST and HTTP_PORT from the environment and the key file
            (--env-file, $SCS_ENV_FILE or ~/.config/shared-context-server/scs.env; never ./.env). A target
            that is not this machine is refused unless --url names it.
            Requests are forwarded concurrently (a long wait_for_messages does not block others);
            if the server forgot the MCP session (404), the bridge initializes again and retries once.
            """)

    @OptionGroup var environment: EnvironmentOptions

    @Option(help: "The server's MCP URL (default http://HTTP_HOST:HTTP_PORT/mcp).")
    var url: String?

    func run() async throws {
        let env: ConfigEnvironment
        do {
            env = try environment.loadEnvironment(workingDirectoryFile: false)
        } catch {
            printError("scs stdio: cannot read the env file: \(error)")
            throw ExitCode(78)
        }
        guard let key = env["API_KEY"], !key.isEmpty else {
            printError("scs stdio: API_KEY is not set; run `scs setup` (or set API_KEY)")
            throw ExitCode(78)
        }
        let host = env["MCP_CLIENT_HOST"] ?? env["HTTP_HOST"].map { $0 == "0.0.0.0" ? "127.0.0.1" : $0 } ?? "127.0.0.1"
        let target = url ?? "http://\(host):\(env["HTTP_PORT"] ?? "23456")/mcp"
        guard let endpoint = URL(string: target), let targetHost = endpoint.host else {
            printError("scs stdio: invalid URL \(target)")
            throw ExitCode(64)
        }
        // The API key goes wherever the target points: only --url may name another machine.
        guard url != nil || ConfigEnvironment.isLoopback(targetHost) else {
            printError("scs stdio: refusing to send the API key to \(targetHost), which is not this machine; name it with --url to mean it")
            throw ExitCode(64)
        }
        let bridge = StdioBridge(endpoint: endpoint, apiKey: key)
        await withTaskGroup(of: Void.self) { group in
            while let line = readLine(strippingNewline: true) {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                if line.contains("\"initialize\"") {
                    await bridge.forward(line)
                } else {
                    group.addTask { await bridge.forward(line) }
                }
            }
            await group.waitForAll()
        }
    }
}

/// Forwards stdio lines to the HTTP endpoint and writes the answers to stdout.
actor StdioBridge {
    let endpoint: URL
    let apiKey: String
    var sessionID: String?
    var initializeLine: String?
    let session = URLSession(configuration: .ephemeral)

    init(endpoint: URL, apiKey: String) {
        self.endpoint = endpoint
        self.apiKey = apiKey
    }

    func forward(_ line: String) async {
        if line.contains("\"initialize\""), (try? JSONValue.parse(Array(line.utf8)))?["method"] == "initialize" {
            initializeLine = line
            sessionID = nil
        }
        var (status, body, headers) = await post(line)
        if status == 404, let again = initializeLine, !line.contains("\"initialize\"") {
            sessionID = nil
            _ = await post(again)
            (status, body, headers) = await post(line)
        }
        if let id = headers["Mcp-Session-Id"] ?? headers["mcp-session-id"] { sessionID = id }
        guard status != 202, !body.isEmpty else { return }
        if status >= 400, (try? JSONValue.parse(Array(body))) == nil {
            let id = (try? JSONValue.parse(Array(line.utf8)))?["id"] ?? .null
            emit(JSONValue.object(["jsonrpc": "2.0", "id": id, "error": ["code": -32603, "message": .string("scs serve answered HTTP \(status)")]]).compactText)
            return
        }
        emit(String(decoding: body, as: UTF8.self))
    }

    func post(_ line: String) async -> (Int, Data, [String: String]) {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = Data(line.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue(apiKey, forHTTPHeaderField: "X-API-Key")
        if let sessionID { request.setValue(sessionID, forHTTPHeaderField: "Mcp-Session-Id") }
        request.timeoutInterval = 120
        do {
            let (data, response) = try await session.data(for: request)
            let http = response as? HTTPURLResponse
            var headers: [String: String] = [:]
            for (name, value) in http?.allHeaderFields ?? [:] { headers["\(name)"] = "\(value)" }
            return (http?.statusCode ?? 0, data, headers)
        } catch {
            let id = (try? JSONValue.parse(Array(line.utf8)))?["id"]
            if let id {
                emit(JSONValue.object(["jsonrpc": "2.0", "id": id, "error": [
                    "code": -32603, "message": .string("cannot reach scs serve at \(endpoint.absoluteString): is it running?"),
                ]]).compactText)
            }
            return (202, Data(), [:])
        }
    }

    func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
