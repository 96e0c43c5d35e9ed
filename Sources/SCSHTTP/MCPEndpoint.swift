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

/// MCP Streamable HTTP at `/mcp` and `/mcp/`: POST (JSON or SSE answers), GET (SSE stream of
/// server notifications), DELETE (end the session). Every request needs the API key (401), an
/// allowed `Origin` when one is sent (403), and a body within the limit (413).
public struct MCPEndpoint: Sendable {
    let server: MCPServer
    let sessions: MCPSessionRegistry
    let apiKey: APIKeyVerifier
    /// `ADMIN_API_KEY`, when configured: it opens `/mcp` too, and marks the request as admin-keyed.
    let adminKey: APIKeyVerifier?
    let origins: OriginPolicy
    let bodyLimit: Int
    let logger: Logger
    let keepAlive: Duration

    public init(
        server: MCPServer, sessions: MCPSessionRegistry, apiKey: APIKeyVerifier, http: HTTPConfiguration, logger: Logger,
        keepAlive: Duration = .seconds(15), adminKey: APIKeyVerifier? = nil
    ) {
        self.adminKey = adminKey
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
    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    public func register(on router: Router<some RequestContext>) {
        // The router matches `/mcp/` to the same route (no redirect).
        router.post("/mcp") { request, context in await post(request, context: context) }
        router.get("/mcp") { request, _ in await get(request) }
        router.delete("/mcp") { request, _ in await delete(request) }
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

    /// API key and Origin; nil when the request may go on.
    func gate(_ request: Request) -> Response? {
        guard origins.allows(request.headers[.origin]) else {
            return Self.failure(.forbidden, -32000, "Forbidden: Origin not allowed")
        }
        let presented = request.headers[Self.apiKeyHeader]
        guard apiKey.isValid(presented) || adminKey?.isValid(presented) == true else {
            return Self.failure(.unauthorized, -32000, "Unauthorized: a valid X-API-Key header is required")
        }
        return nil
    }

    static func bearer(_ request: Request) -> String? {
        BearerCredential.token(fromAuthorization: request.headers[.authorization])
    }

    func context(_ request: Request, session: String?, boundTokenDigest: String?) -> MCPClientContext {
        let registry = sessions
        var client = MCPClientContext(
            mcpSessionID: session ?? MCPSessionRegistry.newID(),
            hasSession: session != nil, bearerToken: Self.bearer(request), boundTokenDigest: boundTokenDigest, apiKeyValid: true,
            bindToken: { token in if let session { await registry.bind(session, token: token) } })
        client.adminKeyPresented = adminKey?.isValid(request.headers[Self.apiKeyHeader]) == true
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

    /// The header that names a request (accepted from the client when well-formed, always answered).
    static let requestIDHeader = HTTPField.Name("X-Request-ID")!

    /// Serves a POST with its request id in scope (every log line of the request carries it, in
    /// the supervisor and in the worker that answers) and in the answer's `X-Request-ID`.
    func post(_ request: Request, context: some RequestContext) async -> Response {
        let id = RequestScope.accept(request.headers[Self.requestIDHeader]) ?? context.id
        var response = await RequestScope.$id.withValue(id) { await handlePost(request) }
        response.headers[Self.requestIDHeader] = id
        return response
    }

    func handlePost(_ request: Request) async -> Response {
        if let refused = gate(request) { return refused }
        let accept = request.headers[.accept] ?? "*/*"
        let wantsJSON = Self.has(accept, "application/json") || Self.has(accept, "*/*") || Self.has(accept, "application/*")
        let wantsSSE = Self.has(accept, "text/event-stream")
        guard wantsJSON || wantsSSE else {
            return Self.failure(.notAcceptable, -32000, "Not Acceptable: accept application/json or text/event-stream")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            return Self.failure(.contentTooLarge, -32600, "Request body larger than \(bodyLimit) bytes")
        }
        let parsed: [Result<JSONRPC.Message, JSONRPC.Failure>]
        do {
            parsed = try JSONRPC.body(Array(body.readableBytesView))
        } catch {
            return Self.failure(.badRequest, error.code.rawValue, error.message)
        }
        let isBatch = body.readableBytesView.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[")
        guard parsed.count <= Self.maxBatch else {
            return Self.failure(.badRequest, -32600, "Invalid Request: a batch holds at most \(Self.maxBatch) messages")
        }
        var headers: HTTPFields = [:]
        var sessionID = request.headers[Self.sessionHeader]
        var version = request.headers[Self.versionHeader]
        var boundTokenDigest: String?
        if let requested = version, !MCPServer.isKnownVersion(requested) {
            return Self.failure(.badRequest, -32600, "Unsupported MCP-Protocol-Version: \(requested)")
        }
        let initialize = parsed.compactMap { try? $0.get() }.first { if case .request(_, "initialize", _) = $0 { return true } else { return false } }
        if case .request(_, _, let params)? = initialize {
            guard !isBatch else { return Self.failure(.badRequest, -32600, "Invalid Request: initialize must not be part of a batch") }
            do {
                let record = try await sessions.create(protocolVersion: MCPServer.negotiate(params["protocolVersion"]?.stringValue))
                sessionID = record.id
                version = record.protocolVersion
                headers[Self.sessionHeader] = record.id
            } catch let limit as MCPSessionLimit {
                var response = Self.failure(.serviceUnavailable, -32000, "Too many MCP sessions (at most \(limit.maximum)); retry later")
                response.headers[.retryAfter] = "60"
                return response
            } catch {
                logger.error("cannot store MCP session", metadata: ["error": "\(error)"])
                return Self.storageUnavailable()
            }
        } else if let id = sessionID {
            do {
                guard let record = try await sessions.lookup(id) else { return Self.failure(.notFound, -32001, "Session not found") }
                version = version ?? record.protocolVersion
                boundTokenDigest = record.boundTokenDigest
            } catch {
                return Self.storageUnavailable()
            }
        } else if version != MCPServer.statelessVersion && !Self.declaresStateless(parsed) {
            return Self.failure(.badRequest, -32000, "Bad Request: Mcp-Session-Id header is required (initialize first)")
        }
        if isBatch, let version, version >= "2025-06-18" {
            return Self.failure(.badRequest, -32600, "Invalid Request: batches are not supported in protocol version \(version)")
        }
        let client = self.context(request, session: sessionID, boundTokenDigest: boundTokenDigest)
        var replies: [[UInt8]] = []
        for item in parsed {
            switch item {
            case .failure(let failure):
                replies.append(JSONRPC.error(id: failure.id, code: failure.code, message: failure.message).compactBytes)
            case .success(let message):
                if let reply = await server.respond(message, client: client) { replies.append(reply) }
            }
        }
        guard !replies.isEmpty else { return Response(status: .accepted, headers: headers) }
        var buffer = ByteBuffer()
        if wantsSSE && !wantsJSON {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            for reply in replies {
                buffer.writeString("event: message\ndata: ")
                buffer.writeBytes(reply)
                buffer.writeString("\n\n")
            }
        } else {
            headers[.contentType] = "application/json"
            if isBatch { buffer.writeString("[") }
            for (index, reply) in replies.enumerated() {
                if index > 0 { buffer.writeString(",") }
                buffer.writeBytes(reply)
            }
            if isBatch { buffer.writeString("]") }
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
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
        if let refused = gate(request) { return refused }
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
        if let refused = gate(request) { return refused }
        guard let id = request.headers[Self.sessionHeader] else {
            return Self.failure(.badRequest, -32000, "Bad Request: Mcp-Session-Id header is required")
        }
        let existed = (try? await sessions.end(id)) ?? false
        server.hub.endSession(id)
        return existed ? Response(status: .ok) : Self.failure(.notFound, -32001, "Session not found")
    }
}
