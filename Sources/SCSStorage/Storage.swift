public import SCSCore

/// Sessions. Domain failures are thrown as `SCSError` (e.g. SESSION_NOT_FOUND); driver failures as
/// `StorageError`.
public protocol SessionStore: Sendable {
    /// Inserts the session and, in the same transaction, its audit row (both or neither).
    func createSession(_ new: NewSession, audit: NewAuditEvent?) async throws -> Session
    func session(id: String) async throws -> Session?
    /// Newest first; counts and last activity only over messages `reader` may see.
    func listSessions(_ query: SessionListQuery, reader: AgentIdentity) async throws -> SessionListPage
    /// Closes a session (idempotent: a closed session keeps its original `closedAt`).
    func closeSession(id: String, at time: Double) async throws -> Session
}

/// Messages, always read through the visibility rule of docs/CONTRACT.md §4.
public protocol MessageStore: Sendable {
    /// Appends a message: the session must exist and be open, a parent must exist in the same
    /// session, content must fit. Ids follow commit order; timestamps never decrease with id.
    func appendMessage(_ new: NewMessage) async throws -> Message
    /// One message regardless of visibility (callers apply `Message.isVisible`).
    func message(id: Int64) async throws -> Message?
    func messages(_ query: MessageQuery, reader: AgentIdentity) async throws -> MessagePage
    /// Every message of a session with id > `afterID`, oldest first, no visibility applied
    /// (for trusted indexers such as the search worker).
    func allMessages(sessionID: String, afterID: Int64, limit: Int) async throws -> [Message]
    /// Changes a message's visibility (recorded in the change feed) and returns the previous one.
    func setVisibility(messageID: Int64, to visibility: Visibility, at time: Double) async throws -> Visibility
    /// For search indexes: messages with id > `afterMessageID` (oldest first, at most `limit`) and
    /// the current rows of messages whose visibility changed after `afterChangeID`, read in one
    /// transaction so that nothing committed is missed.
    func searchDelta(sessionID: String, afterMessageID: Int64, afterChangeID: Int64, limit: Int) async throws -> SearchDelta
}

/// Agent memory: one namespace per agent, scoped global or per session, TTL enforced on read.
public protocol MemoryStore: Sendable {
    /// Upserts; with `overwrite: false` exactly one of any number of concurrent writers wins.
    func putMemory(_ write: MemoryWrite, now: Double) async throws -> MemoryEntry
    /// The live entry, or nil (expired entries are never returned).
    func memory(agentID: String, key: String, scope: MemoryScope, now: Double) async throws -> MemoryEntry?
    /// Live entries, newest update first; `prefix` is literal and case-sensitive.
    func listMemory(agentID: String, scope: MemoryScopeFilter, prefix: String?, limit: Int, now: Double) async throws -> [MemoryEntry]
    /// Deletes a live entry; false when there was none.
    func deleteMemory(agentID: String, key: String, scope: MemoryScope, now: Double) async throws -> Bool
    /// Deletes up to `limit` expired entries and returns them.
    func deleteExpiredMemory(now: Double, limit: Int) async throws -> [MemoryEntry]
}

public protocol AuditStore: Sendable {
    @discardableResult
    func appendAudit(_ event: NewAuditEvent) async throws -> Int64
    func auditEvents(_ query: AuditQuery) async throws -> [AuditEvent]
    /// Deletes rows older than `cutoff`; returns how many.
    func deleteAudit(before cutoff: Double) async throws -> Int
}

/// Tokens are keyed by `TokenDigest.of(token)`: every `id` below is a digest.
public protocol TokenStore: Sendable {
    /// Inserts the token and, in the same transaction, its audit row (both or neither).
    func insertToken(_ record: TokenRecord, audit: NewAuditEvent?) async throws
    func token(id: String) async throws -> TokenRecord?
    /// Whether a token row carrying this JWT id exists and expires after `now`.
    func hasLiveToken(jwtID: String, now: Double) async throws -> Bool
    /// Atomically removes `oldID` and inserts `replacement`; false (and nothing inserted) when
    /// `oldID` was already gone — so a token can be refreshed once only.
    func replaceToken(oldID: String, with replacement: TokenRecord) async throws -> Bool
    func deleteToken(id: String) async throws -> Bool
    func deleteExpiredTokens(now: Double) async throws -> Int
}

/// What the tools read and write (`ToolEnvironment`); their memory goes through the memory worker.
public protocol ToolStore: SessionStore, MessageStore, AuditStore, ActivityStore {
    /// `"sqlite"` or `"postgresql"` (server info, performance metrics).
    var backendName: String { get }
    /// Appends a message and its audit row (built from the stored message) in one transaction.
    /// Every driver implements it: there is no two-write fallback.
    func appendMessage(_ new: NewMessage, audit: @escaping @Sendable (Message) -> NewAuditEvent) async throws -> Message
    /// Size of the database, bytes (0 when unknown).
    func sizeBytes() async throws -> Int64
    /// The ids of applied migrations, in order.
    func appliedMigrations() async throws -> [Int]
}

/// What the dashboard reads and its sign-ins (`DashboardDependencies`).
public protocol DashboardStore: SessionStore, MessageStore, MemoryStore, AuditStore, DashboardLoginStore, DashboardQueryStore,
    RegisteredAgentStore {}

/// What the peer relay reads back when another node announces a change (docs/POSTGRESQL.md,
/// "Live events across nodes").
public protocol LiveEventStore: SessionStore, MessageStore, MemoryStore, TokenStore, DashboardLoginStore {}

/// What housekeeping purges while serving.
public protocol HousekeepingStore: AuditStore, ActivityStore, DashboardLoginStore {}

/// What `/health` and `/metrics` report of the database.
public protocol HealthStore: Sendable {
    /// `"sqlite"` or `"postgresql"`.
    var backendName: String { get }
    /// Size of the database, bytes (0 when unknown).
    func sizeBytes() async throws -> Int64
    /// Size of the write-ahead log, bytes; nil for a backend whose log the server does not own.
    func walBytes() async -> Int64?
    /// Cheap liveness probe.
    func ping() async throws
    /// `embedded` (SQLite), or `primary` / `replica` (a PostgreSQL server in recovery).
    func databaseRole() async throws -> String
    /// The ids of applied migrations, in order.
    func appliedMigrations() async throws -> [Int]
}

/// Everything the server stores, behind one driver: each consumer holds only the part it uses
/// (docs/ARCHITECTURE.md, "Storage").
public protocol Storage:
    ToolStore, DashboardStore, LiveEventStore, HousekeepingStore, HealthStore, MemoryStore, TokenStore, MCPSessionStore,
    RegisteredAgentStore
{
    /// Makes everything durable before the process exits (for SQLite: checkpoints the WAL).
    func close() async throws
}

extension SessionStore {
    public func createSession(_ new: NewSession) async throws -> Session { try await createSession(new, audit: nil) }
}

extension TokenStore {
    public func insertToken(_ record: TokenRecord) async throws { try await insertToken(record, audit: nil) }
}
