public import Hummingbird
import NIOCore
import Synchronization
public import SCSAuth
public import SCSCore

/// `GET /health`: the report (database, workers, live counts) with the API key; without it only
/// `up` or `down`, since the details (pids, sizes, counts) need the key. The key is checked
/// first, and the anonymous answer comes from a liveness bit refreshed at most once per
/// `livenessMaxAge` (one database ping), so anonymous callers cannot make the server build reports.
public struct HealthEndpoint: Sendable {
    let apiKey: APIKeyVerifier?
    let report: @Sendable () async -> (healthy: Bool, body: JSONValue)
    let liveness: LivenessCache

    public static let livenessMaxAge: Duration = .seconds(2)

    /// `report` answers whether the service can serve (else 503) and the document to send;
    /// `alive` is the cheap check behind the anonymous answer (default: the report's verdict).
    public init(
        apiKey: APIKeyVerifier?, report: @escaping @Sendable () async -> (healthy: Bool, body: JSONValue),
        alive: (@Sendable () async -> Bool)? = nil
    ) {
        self.apiKey = apiKey
        self.report = report
        liveness = LivenessCache(maxAge: Self.livenessMaxAge, check: alive ?? { await report().healthy })
    }

    public func register(on router: Router<some RequestContext>) {
        router.get("/health") { request, _ -> Response in
            if let apiKey, !apiKey.isValid(request.credentials.apiKey) {
                let up = await liveness.value()
                return JSONResponse.make(status: up ? .ok : .serviceUnavailable, body: ["status": up ? "up" : "down"])
            }
            let (healthy, body) = await report()
            liveness.record(healthy)
            return JSONResponse.make(status: healthy ? .ok : .serviceUnavailable, body: body)
        }
    }
}

/// A yes/no that is checked again only when older than `maxAge`; while one caller checks, the
/// others get the last answer (so a flood costs one check per `maxAge`).
public final class LivenessCache: Sendable {
    struct State {
        var value = true
        var at: ContinuousClock.Instant?
        var checking = false
    }

    let maxAge: Duration
    let check: @Sendable () async -> Bool
    let state = Mutex(State())
    /// Checks made (for tests).
    let checks = Atomic<Int>(0)

    public init(maxAge: Duration, check: @escaping @Sendable () async -> Bool) {
        self.maxAge = maxAge
        self.check = check
    }

    public var checkCount: Int { checks.load(ordering: .relaxed) }

    public func value() async -> Bool {
        let now = ContinuousClock.now
        let (cached, mustCheck) = state.withLock { state -> (Bool, Bool) in
            if let at = state.at, now - at < maxAge { return (state.value, false) }
            if state.checking { return (state.value, false) }
            state.checking = true
            return (state.value, true)
        }
        guard mustCheck else { return cached }
        checks.add(1, ordering: .relaxed)
        let fresh = await check()
        record(fresh)
        return fresh
    }

    public func record(_ value: Bool) {
        state.withLock { state in
            state.value = value
            state.at = ContinuousClock.now
            state.checking = false
        }
    }
}

/// JSON responses from `JSONValue`s (compact, UTF-8).
public enum JSONResponse {
    public static func make(status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let bytes = body.compactBytes
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
