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
    /// Sessions idle longer than this are forgotten (clients re-initialize after a 404).
    public let idleExpiry: Double

    public init(store: any MCPSessionStore, clock: any WallClock = SystemClock(), idleExpiry: Double = 7 * 86_400) {
        self.store = store
        self.clock = clock
        self.idleExpiry = idleExpiry
    }

    /// A fresh session id: 32 lowercase hex characters.
    public static func newID() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    public func create(protocolVersion: String) async throws -> MCPSessionRecord {
        let now = clock.now()
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
        guard now - found.lastSeen < idleExpiry else {
            _ = try? await end(id)
            return nil
        }
        if now - found.lastSeen > 60 {
            found.lastSeen = now
            let updated = found
            cache.withLock { $0[id] = updated }
            try await store.touchMCPSession(id: id, lastSeen: now, boundToken: nil)
        }
        return found
    }

    public func bind(_ id: String, token: String) async {
        let now = clock.now()
        cache.withLock {
            $0[id]?.boundToken = token
            $0[id]?.lastSeen = now
        }
        try? await store.touchMCPSession(id: id, lastSeen: now, boundToken: .some(token))
    }

    @discardableResult
    public func end(_ id: String) async throws -> Bool {
        cache.withLock { _ = $0.removeValue(forKey: id) }
        return try await store.deleteMCPSession(id: id)
    }

    /// Forgets sessions idle longer than `idleExpiry`.
    @discardableResult
    public func sweep() async throws -> Int {
        let cutoff = clock.now() - idleExpiry
        cache.withLock { $0 = $0.filter { $0.value.lastSeen >= cutoff } }
        return try await store.deleteIdleMCPSessions(lastSeenBefore: cutoff)
    }
}
