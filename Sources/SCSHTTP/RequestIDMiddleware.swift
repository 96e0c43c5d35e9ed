public import Hummingbird
import HTTPTypes
import SCSCore

/// Names each request (docs/ARCHITECTURE.md, "Observability"): the client's `X-Request-ID` when
/// it is 1–64 characters of `[A-Za-z0-9._:-]`, otherwise Hummingbird's own id. The id is the
/// task-local `RequestScope.id` while the request is handled — every log line of it carries the
/// id, in the supervisor and in the worker that answers — and the answer's `X-Request-ID`.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var header: HTTPField.Name { HTTPField.Name("X-Request-ID")! }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = RequestScope.accept(request.headers[Self.header]) ?? context.id
        var response = try await RequestScope.$id.withValue(id) { try await next(request, context) }
        response.headers[Self.header] = id
        return response
    }
}
