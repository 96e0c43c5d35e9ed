public import SCSCore
public import SCSSupervisor
public import SCSTools
import SCSWire

/// The tools' search and memory backends in production: each call is a typed wire request the
/// supervisor routes to a ready worker of the method's role (docs/ARCHITECTURE.md).
public struct SupervisorBackends: SearchBackend, MemoryBackend {
    let supervisor: Supervisor

    public init(_ supervisor: Supervisor) { self.supervisor = supervisor }

    public func search(_ query: SearchQuery) async throws -> SearchOutcome {
        try await supervisor.call(SearchMethod.self, SearchMethod.Params(query))
    }

    public func set(_ request: MemorySetRequest) async throws -> MemoryEntry {
        try await supervisor.call(MemorySetMethod.self, MemorySetMethod.Params(request))
    }

    public func get(_ request: MemoryEntryRequest) async throws -> MemoryEntry {
        try await supervisor.call(MemoryGetMethod.self, MemoryKeyParams(request))
    }

    public func list(_ request: MemoryListRequest) async throws -> [MemoryEntry] {
        try await supervisor.call(MemoryListMethod.self, MemoryListMethod.Params(request)).items
    }

    public func delete(_ request: MemoryEntryRequest) async throws {
        _ = try await supervisor.call(MemoryDeleteMethod.self, MemoryKeyParams(request))
    }
}
