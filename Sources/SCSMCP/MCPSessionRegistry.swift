import Foundation
public import SCSCore
public import SCSStorage
import Synchronization

/// Streamable HTTP sessions: stored rows (a restarted supervisor keeps serving them) with an
/// in-memory cache; `last_seen` is written at most once a minute per session.
public final class MCPSessionRegistry: Sendable {
    let store: any MCPSessionStore
    let clock: any WallClock
    let cache = Mutex<[String: MCPSessionRecord]>([:])
    /// Told when this node changed a session's stored row (bound it, ended it), so that the other
    /// nodes sharing the database drop their cached copy (docs/POSTGRESQL.md, "Several nodes").
    let changed = Mutex<(@Sendable (String) async -> Void)?>(nil)
    /// Sessions idle longer than this are forgotten (clients re-initialize after a 404).
    public let idleExpiry: Double
    /// The same for sessions no agent ever authenticated on (cheap to make, so kept shorter).
    public let unboundIdleExpiry: Double
    /// Most stored sessions; `initialize` past it is refused until idle ones expire.
    public let maximum: Int

    public init(
        store: any MCPSessionStore, clock: any WallClock = SystemClock(), idleExpiry: Double = 86_400,
        unboundIdleExpiry: Double = 3_600, maximum: Int = 10_000
    ) {
        self.store = store
        self.clock = clock
        self.idleExpiry = idleExpiry
        self.unboundIdleExpiry = min(unboundIdleExpiry, idleExpiry)
        self.maximum = maximum
    }

    public func onChange(_ hook: @escaping @Sendable (String) async -> Void) {
        changed.withLock { $0 = hook }
    }

    /// Another node changed the session: the next lookup reads the stored row.
    public func forget(_ id: String) {
        _ = cache.withLock { $0.removeValue(forKey: id) }
    }

    func announce(_ id: String) async {
        if let hook = changed.withLock({ $0 }) { await hook(id) }
    }

    /// The idle expiry that applies to `record`.
    func expiry(of record: MCPSessionRecord) -> Double { record.boundTokenDigest == nil ? unboundIdleExpiry : idleExpiry }

    /// Stored sessions.
    public func count() async throws -> Int { try await store.countMCPSessions() }

    /// A fresh session id: 32 lowercase hex characters.
    public static func newID() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    public func create(protocolVersion: String) async throws -> MCPSessionRecord {
        let now = clock.now()
        if try await store.countMCPSessions() >= maximum {
            try await sweep()
            guard try await store.countMCPSessions() < maximum else { throw MCPSessionLimit(maximum: maximum) }
        }
        let record = MCPSessionRecord(
            id: Self.newID(), protocolVersion: protocolVersion,
            createdAt: now, lastSeen: now)
        try await store.createMCPSession(record)
        cache.withLock { $0[record.id] = record }
        return record
    }

    /// The live session, or nil (unknown, ended or idle too long).
    public func lookup(_ id: String) async throws -> MCPSessionRecord? {
        let now = clock.now()
        var record = cache.withLock { $0[id] }
        if record == nil {
            record = try await store.mcpSession(id: id)
            if let record { cache.withLock { $0[id] = record } }
        }
        guard var found = record else { return nil }
        if now - found.lastSeen >= expiry(of: found), let stored = try await store.mcpSession(id: id) {
            // Another node may have served it since: its stored `last_seen` decides.
            found = stored
            cache.withLock { $0[id] = stored }
        }
        guard now - found.lastSeen < expiry(of: found) else {
            _ = try? await end(id)
            return nil
        }
        if now - found.lastSeen > 60 {
            found.lastSeen = now
            let updated = found
            cache.withLock { $0[id] = updated }
            try await store.touchMCPSession(id: id, lastSeen: now, boundTokenDigest: nil)
        }
        return found
    }

    /// Binds `token` to the session; only its digest is kept, in memory and in storage.
    public func bind(_ id: String, token: String) async {
        let now = clock.now()
        let digest = TokenDigest.of(token)
        cache.withLock {
            $0[id]?.boundTokenDigest = digest
            $0[id]?.lastSeen = now
        }
        try? await store.touchMCPSession(id: id, lastSeen: now, boundTokenDigest: .some(digest))
        await announce(id)
    }

    @discardableResult
    public func end(_ id: String) async throws -> Bool {
        cache.withLock { _ = $0.removeValue(forKey: id) }
        let deleted = try await store.deleteMCPSession(id: id)
        await announce(id)
        return deleted
    }

    /// Forgets sessions idle past their expiry; returns their ids (their subscriptions and
    /// streams go with them).
    @discardableResult
    public func sweep() async throws -> [String] {
        let now = clock.now()
        cache.withLock { $0 = $0.filter { now - $0.value.lastSeen < expiry(of: $0.value) } }
        return try await store.deleteIdleMCPSessions(boundBefore: now - idleExpiry, unboundBefore: now - unboundIdleExpiry)
    }
}

/// `initialize` refused: the stored MCP sessions reached their cap.
public struct MCPSessionLimit: Error, Sendable {
    public let maximum: Int
}
