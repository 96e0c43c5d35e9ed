public import SCSCore

// What the tools need from the worker processes, in domain terms: the tools do not know that a
// search or a memory call crosses a socket (docs/ARCHITECTURE.md, "Where concerns live").

/// Fuzzy search of one session on behalf of an authenticated caller.
public protocol SearchBackend: Sendable {
    /// Hits best first; `candidates` is 0 for a session that does not exist or that the caller
    /// sees nothing of.
    func search(_ query: SearchQuery) async throws -> SearchOutcome
}

/// Agent memory with TTL; every call acts for the request's agent only.
public protocol MemoryBackend: Sendable {
    /// Stores or replaces an entry (KEY_EXISTS when `overwrite` is false and a live one exists).
    func set(_ request: MemorySetRequest) async throws -> MemoryEntry
    /// The live entry in exactly that scope, else MEMORY_NOT_FOUND.
    func get(_ request: MemoryEntryRequest) async throws -> MemoryEntry
    /// Live entries, without their values unless the request asks for them.
    func list(_ request: MemoryListRequest) async throws -> [MemoryEntry]
    /// Removes the live entry, else MEMORY_NOT_FOUND.
    func delete(_ request: MemoryEntryRequest) async throws
}
