import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SCSCore
import SCSMCP
import SCSStorage
import OrderedCollections

/// `POST /mcp`, step by step: what the client accepts, the body, its JSON-RPC messages, the MCP
/// session they belong to, the answers, and their encoding. A step that refuses the request
/// throws the answer to send (`Refusal`).
extension MCPEndpoint {
    struct Refusal: Error {
        let response: Response
        init(_ response: Response) { self.response = response }
        init(_ status: HTTPResponse.Status, _ code: Int64, _ message: String) { response = MCPEndpoint.failure(status, code, message) }
    }

    /// The encodings the client takes.
    struct Accepts {
        var json: Bool
        var sse: Bool
    }

    /// A POST's messages: each parsed, or the failure to answer it with.
    struct Batch {
        var items: [Result<JSONRPC.Message, JSONRPC.Failure>]
        /// Sent as a JSON array (answered as one).
        var isArray: Bool
    }

    /// The MCP session a POST belongs to.
    struct SessionBinding {
        var id: String?
        var version: String?
        var boundTokenDigest: String?
        /// Headers of the answer (a new session's id).
        var headers: HTTPFields = [:]
    }

    func post(_ request: Request) async -> Response {
        do {
            let accepts = try Self.accepts(request)
            let batch = try Self.batch(try await body(request))
            let session = try await session(request, batch)
            let replies = await answers(batch, client: context(request, session: session.id, boundTokenDigest: session.boundTokenDigest))
            return Self.encode(replies, isArray: batch.isArray, accepts: accepts, headers: session.headers)
        } catch let refusal as Refusal {
            return refusal.response
        } catch {
            return Self.failure(.internalServerError, -32603, "Internal error")
        }
    }

    /// 1. JSON, SSE, or both (406 for neither).
    static func accepts(_ request: Request) throws -> Accepts {
        let accept = request.headers[.accept] ?? "*/*"
        let accepts = Accepts(
            json: has(accept, "application/json") || has(accept, "*/*") || has(accept, "application/*"), sse: has(accept, "text/event-stream"))
        guard accepts.json || accepts.sse else {
            throw Refusal(.notAcceptable, -32000, "Not Acceptable: accept application/json or text/event-stream")
        }
        return accepts
    }

    /// 2. The body, within the limit (413; the rest is never read).
    func body(_ request: Request) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: bodyLimit)
        } catch {
            throw Refusal(.contentTooLarge, -32600, "Request body larger than \(bodyLimit) bytes")
        }
    }

    /// 3. Its JSON-RPC messages: one, or a batch of at most `maxBatch`.
    static func batch(_ body: ByteBuffer) throws -> Batch {
        let items: [Result<JSONRPC.Message, JSONRPC.Failure>]
        do {
            items = try JSONRPC.body(Array(body.readableBytesView))
        } catch {
            throw Refusal(.badRequest, error.code.rawValue, error.message)
        }
        guard items.count <= maxBatch else {
            throw Refusal(.badRequest, -32600, "Invalid Request: a batch holds at most \(maxBatch) messages")
        }
        let isArray = body.readableBytesView.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[")
        return Batch(items: items, isArray: isArray)
    }

    /// 4. The MCP session: a new one for `initialize`, the one named by `Mcp-Session-Id`, or none
    /// for the stateless revision; its protocol version decides whether batches are allowed.
    func session(_ request: Request, _ batch: Batch) async throws -> SessionBinding {
        var binding = SessionBinding(id: request.headers[Self.sessionHeader], version: request.headers[Self.versionHeader])
        if let requested = binding.version, !MCPServer.isKnownVersion(requested) {
            throw Refusal(.badRequest, -32600, "Unsupported MCP-Protocol-Version: \(requested)")
        }
        let initialize = batch.items.compactMap { try? $0.get() }.first {
            if case .request(_, "initialize", _) = $0 { return true } else { return false }
        }
        if case .request(_, _, let params)? = initialize {
            guard !batch.isArray else { throw Refusal(.badRequest, -32600, "Invalid Request: initialize must not be part of a batch") }
            let record = try await newSession(version: params["protocolVersion"]?.stringValue)
            binding.id = record.id
            binding.version = record.protocolVersion
            binding.headers[Self.sessionHeader] = record.id
        } else if let id = binding.id {
            let record: MCPSessionRecord?
            do {
                record = try await sessions.lookup(id)
            } catch {
                throw Refusal(Self.storageUnavailable())
            }
            guard let record else { throw Refusal(.notFound, -32001, "Session not found") }
            binding.version = binding.version ?? record.protocolVersion
            binding.boundTokenDigest = record.boundTokenDigest
        } else if binding.version != MCPServer.statelessVersion && !Self.declaresStateless(batch.items) {
            throw Refusal(.badRequest, -32000, "Bad Request: Mcp-Session-Id header is required (initialize first)")
        }
        if batch.isArray, let version = binding.version, version >= "2025-06-18" {
            throw Refusal(.badRequest, -32600, "Invalid Request: batches are not supported in protocol version \(version)")
        }
        return binding
    }

    /// A new MCP session (503 when there are too many, or when it cannot be stored).
    func newSession(version: String?) async throws -> MCPSessionRecord {
        do {
            return try await sessions.create(protocolVersion: MCPServer.negotiate(version))
        } catch let limit as MCPSessionLimit {
            var response = Self.failure(.serviceUnavailable, -32000, "Too many MCP sessions (at most \(limit.maximum)); retry later")
            response.headers[.retryAfter] = "60"
            throw Refusal(response)
        } catch {
            logger.error("cannot store MCP session", metadata: ["error": "\(error)"])
            throw Refusal(Self.storageUnavailable())
        }
    }

    /// 5. One answer per request, in order (notifications get none; parse failures their error).
    func answers(_ batch: Batch, client: MCPClientContext) async -> [[UInt8]] {
        var replies: [[UInt8]] = []
        for item in batch.items {
            switch item {
            case .failure(let failure):
                replies.append(JSONRPC.error(id: failure.id, code: failure.code, message: failure.message).compactBytes)
            case .success(let message):
                if let reply = await server.respond(message, client: client) { replies.append(reply) }
            }
        }
        return replies
    }

    /// 6. 202 for nothing to answer; else JSON (an array for a batch) or, for a client that takes
    /// only SSE, one event per answer.
    static func encode(_ replies: [[UInt8]], isArray: Bool, accepts: Accepts, headers: HTTPFields) -> Response {
        var headers = headers
        guard !replies.isEmpty else { return Response(status: .accepted, headers: headers) }
        var buffer = ByteBuffer()
        if accepts.sse && !accepts.json {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            for reply in replies {
                buffer.writeString("event: message\ndata: ")
                buffer.writeBytes(reply)
                buffer.writeString("\n\n")
            }
        } else {
            headers[.contentType] = "application/json"
            if isArray { buffer.writeString("[") }
            for (index, reply) in replies.enumerated() {
                if index > 0 { buffer.writeString(",") }
                buffer.writeBytes(reply)
            }
            if isArray { buffer.writeString("]") }
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }
}
