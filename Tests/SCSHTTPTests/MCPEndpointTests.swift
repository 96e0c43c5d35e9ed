import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SCSApplication
import SCSCore
import SCSHTTP
import SCSTesting
import Testing
import OrderedCollections

/// `/mcp` in process, through the router `scs serve` assembles (middleware included), with
/// Hummingbird's test client: the gate, the steps of a POST, and the request id.
@Suite("POST, GET and DELETE /mcp in process")
struct MCPEndpointTests {
    static let key = String(repeating: "k", count: 40)
    static let apiKey = HTTPField.Name("X-API-Key")!
    static let session = HTTPField.Name("Mcp-Session-Id")!
    static let requestID = HTTPField.Name("X-Request-ID")!

    /// The assembled router over a temporary database, and a client of it.
    func withEndpoint(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let tools = try ToolHarness()
        do {
            try await Application(router: tools.application.router()).test(.router, body)
        } catch {
            await tools.remove()
            throw error
        }
        await tools.remove()
    }

    static func headers(key: String? = MCPEndpointTests.key, accept: String = "application/json, text/event-stream", session: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json", .accept: accept]
        if let key { headers[apiKey] = key }
        if let session { headers[Self.session] = session }
        return headers
    }

    static func json(_ buffer: ByteBuffer) throws -> JSONValue { try JSONValue.parse(Array(buffer.readableBytesView)) }

    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#

    /// A new MCP session's id.
    func open(_ client: any TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.initialize)) { response in
            #expect(response.status == .ok)
            return try #require(response.headers[Self.session])
        }
    }

    @Test("the gate: a foreign Origin is refused before the key is looked at (403), no key or a wrong one is 401; both carry a request id")
    func gate() async throws {
        try await withEndpoint { client in
            var foreign = Self.headers(key: nil)
            foreign[.origin] = "https://evil.example"
            try await client.execute(uri: "/mcp", method: .post, headers: foreign, body: ByteBuffer(string: Self.initialize)) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[Self.requestID] != nil)
            }
            for key in [nil, "wrong"] {
                try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(key: key), body: ByteBuffer(string: Self.initialize)) { response in
                    #expect(response.status == .unauthorized)
                    #expect((try? Self.json(response.body))?["error"]?["code"] == -32000)
                }
            }
            try await client.execute(uri: "/mcp", method: .get, headers: Self.headers(key: nil, accept: "text/event-stream")) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("initialize opens a session; the session answers tools/list at /mcp and /mcp/; an unknown session is 404, none is 400")
    func sessions() async throws {
        try await withEndpoint { client in
            let session = try await open(client)
            for uri in ["/mcp", "/mcp/"] {
                let list = ByteBuffer(string: #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
                try await client.execute(uri: uri, method: .post, headers: Self.headers(session: session), body: list) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json")
                    #expect((try? Self.json(response.body))?["result"]?["tools"]?.arrayValue?.count == 23)
                }
            }
            let ping = ByteBuffer(string: #"{"jsonrpc":"2.0","id":3,"method":"ping"}"#)
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(session: "0123456789abcdef0123456789abcdef"), body: ping) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(), body: ping) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/mcp", method: .delete, headers: Self.headers(session: session)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(session: session), body: ping) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("each step refuses what it must: Accept (406), size (413), JSON (400), batches in 2025-06-18 (400); a notification gets 202")
    func steps() async throws {
        try await withEndpoint { client in
            let session = try await open(client)
            let ping = ByteBuffer(string: #"{"jsonrpc":"2.0","id":3,"method":"ping"}"#)
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(accept: "text/html", session: session), body: ping) { response in
                #expect(response.status == .notAcceptable)
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: (4 << 20) + 1)
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(session: session), body: huge) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(session: session), body: ByteBuffer(string: "{nope")) { response in
                #expect(response.status == .badRequest)
                #expect((try? Self.json(response.body))?["error"]?["code"] == -32700)
            }
            let batch = ByteBuffer(string: #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]"#)
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(session: session), body: batch) { response in
                #expect(response.status == .badRequest)
            }
            let notification = ByteBuffer(string: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(session: session), body: notification) { response in
                #expect(response.status == .accepted)
            }
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(accept: "text/event-stream", session: session), body: ping) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                #expect(String(buffer: response.body).hasPrefix("event: message\ndata: {"))
            }
        }
    }

    @Test("a well-formed X-Request-ID is kept, a malformed one replaced; the answer always names one")
    func requestIDs() async throws {
        try await withEndpoint { client in
            var named = Self.headers()
            named[Self.requestID] = "trace-42.a:b"
            try await client.execute(uri: "/mcp", method: .post, headers: named, body: ByteBuffer(string: Self.initialize)) { response in
                #expect(response.headers[Self.requestID] == "trace-42.a:b")
            }
            var bad = Self.headers()
            bad[Self.requestID] = "no spaces or\u{7f} controls"
            try await client.execute(uri: "/mcp", method: .post, headers: bad, body: ByteBuffer(string: Self.initialize)) { response in
                let id = try #require(response.headers[Self.requestID])
                #expect(id != "no spaces or\u{7f} controls" && !id.isEmpty)
            }
        }
    }
}
