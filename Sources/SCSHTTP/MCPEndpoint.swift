import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import SCSAuth
public import SCSCore
public import SCSMCP
import SCSStorage
import OrderedCollections

/// MCP Streamable HTTP at `/mcp` and `/mcp/`: POST (JSON or SSE answers; `MCPEndpoint+Post`),
/// GET (SSE stream of server notifications), DELETE (end the session). Every request passes the
/// request-id middleware and the gate (an allowed `Origin` when one is sent, else 403; the API
/// key, else 401), and a body must be within the limit (413).
public struct MCPEndpoint: Sendable {
    let server: MCPServer
    let sessions: MCPSessionRegistry
    let apiKey: APIKeyVerifier
    /// `ADMIN_API_KEY`, when configured: it opens `/mcp` too, and marks the request as admin-keyed.
    let adminKey: APIKeyVerifier?
    let origins: OriginPolicy
    /// Registered agents' keys (nil: only the API key opens `/mcp`).
    let agentKeys: AgentKeys?
    let bodyLimit: Int
    let logger: Logger
    let keepAlive: Duration

    public init(
        server: MCPServer, sessions: MCPSessionRegistry, apiKey: APIKeyVerifier, http: HTTPConfiguration, logger: Logger,
        keepAlive: Duration = .seconds(15), adminKey: APIKeyVerifier? = nil, agentKeys: AgentKeys? = nil
    ) {
        self.adminKey = adminKey
        self.agentKeys = agentKeys
        self.server = server
        self.sessions = sessions
        self.apiKey = apiKey
        origins = OriginPolicy(extraOrigins: http.corsOrigins)
        bodyLimit = http.maxBodyBytes
        self.logger = logger
        self.keepAlive = keepAlive
    }

    /// Most messages in one JSON-RPC batch (each is answered in turn on the request's connection).
    public static let maxBatch = 100

    static let sessionHeader = HTTPField.Name("Mcp-Session-Id")!
    static let versionHeader = HTTPField.Name("MCP-Protocol-Version")!

    /// `/mcp` behind its middleware: the request id first, then the gate (Origin, API key). The
    /// body's size is bounded where it is read (`MCPEndpoint+Post`): refusing a declared size up
    /// front would close the connection while an ordinary client is still sending, before it could
    /// read its 413.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        // The router matches `/mcp/` to the same route (no redirect).
        let mcp = router.group("mcp")
            .add(middleware: RequestIDMiddleware<Context>())
            .add(middleware: MCPGateMiddleware<Context>(origins: origins, apiKey: apiKey, adminKey: adminKey, agentKeys: agentKeys))
        mcp.post { request, _ in await post(request) }
        mcp.get { request, _ in await get(request) }
        mcp.delete { request, _ in await delete(request) }
    }

    static func failure(_ status: HTTPResponse.Status, _ code: Int64, _ message: String, id: JSONValue = .null) -> Response {
        JSONResponse.make(status: status, body: ["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]])
    }

    /// 503 with Retry-After: the MCP session could not be read or stored (the database is down).
    static func storageUnavailable() -> Response {
        var response = failure(.serviceUnavailable, -32603, "Session storage unavailable; retry in a few seconds")
        response.headers[.retryAfter] = "5"
        return response
    }

    func context(_ request: Request, session: String?, boundTokenDigest: String?) -> MCPClientContext {
        let registry = sessions
        let credentials = request.credentials
        var client = MCPClientContext(
            mcpSessionID: session ?? MCPSessionRegistry.newID(),
            hasSession: session != nil, bearerToken: AgentKeys.isAgentKey(credentials.bearer) ? nil : credentials.bearer, boundTokenDigest: boundTokenDigest, apiKeyValid: true,
            bindToken: { token in if let session { await registry.bind(session, token: token) } })
        client.adminKeyPresented = adminKey?.isValid(credentials.apiKey) == true
        client.agentKey = PresentedAgentKey.current
        return client
    }

    /// Whether a header value holds `token` (bytes compared: Foundation's `contains` costs 1.6 %
    /// of the server's CPU at 32 agents for three checks per request).
    static func has(_ value: String, _ token: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: token.utf8Start, count: token.utf8CodeUnitCount)
        var value = value
        return value.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
                if memcmp(bytes.baseAddress! + start, needle.baseAddress!, needle.count) == 0 { return true }
            }
            return false
        }
    }

    /// Requests of the stateless revision carry their version in `params._meta`.
    static func declaresStateless(_ parsed: [Result<JSONRPC.Message, JSONRPC.Failure>]) -> Bool {
        parsed.contains { item in
            guard case .success(.request(_, _, let params)) = item else { return false }
            return params["_meta"]?["io.modelcontextprotocol/protocolVersion"] == .string(MCPServer.statelessVersion)
        }
    }

    static func event(_ message: JSONValue) -> String { "event: message\ndata: \(message.compactText)\n\n" }

    func get(_ request: Request) async -> Response {
        guard Self.has(request.headers[.accept] ?? "", "text/event-stream") else {
            return Self.failure(.notAcceptable, -32000, "Not Acceptable: the GET stream needs Accept: text/event-stream")
        }
        guard let id = request.headers[Self.sessionHeader] else {
            return Self.failure(.badRequest, -32000, "Bad Request: Mcp-Session-Id header is required")
        }
        do {
            guard try await sessions.lookup(id) != nil else { return Self.failure(.notFound, -32001, "Session not found") }
        } catch {
            return Self.storageUnavailable()
        }
        let hub = server.hub
        guard let (streamID, stream) = hub.openStream(mcpSessionID: id) else {
            return Self.failure(.tooManyRequests, -32000, "Too many open streams on this MCP session (at most \(NotificationHub.maxStreamsPerSession))")
        }
        let keepAlive = self.keepAlive
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache", Self.sessionHeader: id]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { hub.closeStream(mcpSessionID: id, id: streamID) }
            try await writer.write(ByteBuffer(string: ": stream open\n\n"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (ticks, tick) = AsyncStream<String>.makeStream()
                group.addTask {
                    for await notification in stream { tick.yield(Self.event(notification)) }
                    tick.finish()
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: keepAlive)
                        tick.yield(": keep-alive\n\n")
                    }
                }
                for await chunk in ticks { try await writer.write(ByteBuffer(string: chunk)) }
                group.cancelAll()
            }
            try await writer.finish(nil)
        })
    }

    func delete(_ request: Request) async -> Response {
        guard let id = request.headers[Self.sessionHeader] else {
            return Self.failure(.badRequest, -32000, "Bad Request: Mcp-Session-Id header is required")
        }
        let existed = (try? await sessions.end(id)) ?? false
        server.hub.endSession(id)
        return existed ? Response(status: .ok) : Self.failure(.notFound, -32001, "Session not found")
    }
}
