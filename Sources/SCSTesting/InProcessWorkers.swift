public import SCSCore
public import SCSStorage
public import SCSTools
public import SCSWire
import SCSWorker

/// The search and memory workers' handlers called in this process instead of over their
/// sockets: the same routers `scs worker` serves, with the wire encoding of every request and
/// answer, so tools can be tested (and fuzzed) without spawning processes.
public struct InProcessWorkers: SearchBackend, MemoryBackend {
    let routers: [WireRole: WireRouter]

    public init(storage: any Storage, clock: any WallClock = SystemClock()) throws {
        routers = [
            .search: try WorkerRuntime.router(role: .search, storage: storage),
            .memory: try WorkerRuntime.router(role: .memory, storage: storage, clock: clock),
        ]
    }

    public func search(_ query: SearchQuery) async throws -> SearchOutcome {
        try await call(SearchMethod.self, SearchMethod.Params(query))
    }

    public func set(_ request: MemorySetRequest) async throws -> MemoryEntry {
        try await call(MemorySetMethod.self, MemorySetMethod.Params(request))
    }

    public func get(_ request: MemoryEntryRequest) async throws -> MemoryEntry {
        try await call(MemoryGetMethod.self, MemoryKeyParams(request))
    }

    public func list(_ request: MemoryListRequest) async throws -> [MemoryEntry] {
        try await call(MemoryListMethod.self, MemoryListMethod.Params(request)).items
    }

    public func delete(_ request: MemoryEntryRequest) async throws {
        _ = try await call(MemoryDeleteMethod.self, MemoryKeyParams(request))
    }

    /// One request through the role's router, encoded and decoded as on the wire.
    public func call<M: WireMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        guard let router = routers[M.role] else { throw WireError.remote(code: "UNKNOWN_METHOD", message: M.name) }
        switch await router.handle(method: M.name, params: params.wire) {
        case .success(let value): return try M.Result(wire: value)
        case .failure(let failure):
            if let error = SCSError(wire: failure.payload) { throw error }
            throw WireError.remote(
                code: failure.payload["code"]?.stringValue ?? "UNKNOWN", message: failure.payload["message"]?.stringValue ?? "")
        }
    }
}
