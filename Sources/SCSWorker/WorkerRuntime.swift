#if canImport(Glibc)
    import Glibc
#endif
import Foundation
public import Logging
import NIOCore
public import SCSCore
import SCSMemory
import SCSSearch
public import SCSStorage
public import SCSWire
import Synchronization

/// A worker process: serves SCSSearch or SCSMemory over its Unix socket. It holds no secrets: it
/// receives the already authenticated identity with every request. It exits when its lifeline to
/// the supervisor closes (the supervisor died) or on SIGTERM.
public struct WorkerRuntime: Sendable {
    public let role: WireRole
    public let socketPath: String
    /// The listening socket the supervisor bound at `socketPath` and passed at spawn, if any.
    public let listener: Int32?
    public let storage: any Storage
    public let logger: Logger
    public let maximumFrameBytes: Int
    /// Seconds between memory sweeps.
    public let sweepInterval: Double
    /// Memory the search indexes may hold together.
    public let searchIndexBytes: Int
    /// Set once the socket listens (tests connect after it, instead of retrying).
    public let bound = WaitableState(false)

    public init(
        role: WireRole, socketPath: String, listener: Int32? = nil, storage: any Storage, logger: Logger,
        maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes, sweepInterval: Double = 30, searchIndexBytes: Int = 1 << 30
    ) {
        self.searchIndexBytes = searchIndexBytes
        self.role = role
        self.socketPath = socketPath
        self.listener = listener
        self.storage = storage
        self.logger = logger
        self.maximumFrameBytes = maximumFrameBytes
        self.sweepInterval = sweepInterval
    }

    /// Serves until cancelled.
    public func run(version: String) async throws {
        let sinks = EventSinks()
        let router = try Self.router(
            role: role, storage: storage, maximumFrameBytes: maximumFrameBytes, searchIndexBytes: searchIndexBytes, inFlight: RequestCounter())
        let server = WireServer(
            path: socketPath, listener: listener, hello: Hello(role: role, pid: getpid(), version: version), router: router,
            maximumFrameBytes: maximumFrameBytes, logger: logger)
        let logger = logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run(onBound: { [bound] in
                    logger.info("worker ready", metadata: ["socket": "\(socketPath)"])
                    bound.set(true)
                }) { sink in
                    sinks.add(sink)
                }
            }
            if role == .memory {
                let sweeper = MemorySweeper(store: storage, interval: sweepInterval)
                group.addTask {
                    await sweeper.run { expired in
                        logger.debug("swept expired memory", metadata: ["count": "\(expired.count)"])
                        await sinks.broadcast(WorkerEvent.memoryExpired(expired.map(\.withoutValue)).envelope)
                    } failure: { error in
                        logger.error("memory sweep failed", metadata: ["error": "\(error)"])
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The methods a worker of `role` serves (ping included), as `run` serves them over its socket.
    /// `clock` is the memory service's (tests pass a manual one to expire entries).
    public static func router(
        role: WireRole, storage: any Storage, maximumFrameBytes: Int = WireProtocol.defaultMaximumFrameBytes,
        clock: any WallClock = SystemClock()
    ) throws -> WireRouter {
        try router(
            role: role, storage: storage, maximumFrameBytes: maximumFrameBytes, searchIndexBytes: 1 << 30, inFlight: RequestCounter(),
            clock: clock)
    }

    static func router(
        role: WireRole, storage: any Storage, maximumFrameBytes: Int, searchIndexBytes: Int, inFlight: RequestCounter,
        clock: any WallClock = SystemClock()
    ) throws -> WireRouter {
        var router = WireRouter()
        switch role {
        case .search:
            let service = SearchService(storage: storage, maxBytes: searchIndexBytes)
            router.register(PingMethod.self) { _ in
                PingMethod.Result(
                    pid: getpid(), inFlight: inFlight.current, rssBytes: residentBytes(),
                    index: SearchIndexStats(sessions: service.indexedSessions, bytes: service.indexedBytes, coldLoads: service.coldLoads))
            }
            registerSearch(&router, service, inFlight, replyBudget: maximumFrameBytes - frameMargin)
        case .memory:
            router.register(PingMethod.self) { _ in PingMethod.Result(pid: getpid(), inFlight: inFlight.current, rssBytes: residentBytes()) }
            registerMemory(&router, MemoryService(store: storage, clock: clock), inFlight)
        case .supervisor: throw WireError.handshakeFailed("a worker cannot take the supervisor role")
        }
        return router
    }

    /// This process's resident memory, from /proc/self/statm (0 where there is none).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Room left in a frame for the envelope around a result.
    static let frameMargin = 64 << 10

    /// The best hits that fit in `budget` bytes (the first hit always: a message is far smaller
    /// than a frame), and whether any were left out.
    static func fitting(_ hits: [SearchHit], budget: Int) -> (hits: [SearchHit], truncated: Bool) {
        var kept: [SearchHit] = []
        var used = 0
        for hit in hits {
            used += hit.message.estimatedJSONBytes + 64
            if !kept.isEmpty, used > budget { return (kept, true) }
            kept.append(hit)
        }
        return (kept, false)
    }

    static func registerSearch(_ router: inout WireRouter, _ service: SearchService, _ inFlight: RequestCounter, replyBudget: Int) {
        router.register(SearchMethod.self) { params in
            try await inFlight.counting {
                let outcome = try await service.search(params.searchQuery)
                let (hits, truncated) = fitting(outcome.hits, budget: replyBudget)
                return SearchOutcome(hits: hits, candidates: outcome.candidates, truncated: truncated)
            }
        }
    }

    static func registerMemory(_ router: inout WireRouter, _ service: MemoryService, _ inFlight: RequestCounter) {
        router.register(MemorySetMethod.self) { params in
            try await inFlight.counting { try await service.set(params.request) }
        }
        router.register(MemoryGetMethod.self) { params in
            try await inFlight.counting { try await service.get(params.request) }
        }
        router.register(MemoryListMethod.self) { params in
            try await inFlight.counting { WireList(try await service.list(params.request)) }
        }
        router.register(MemoryDeleteMethod.self) { params in
            try await inFlight.counting {
                try await service.delete(params.request)
                return WireEmpty()
            }
        }
    }
}

/// Requests being served (reported by the heartbeat).
final class RequestCounter: Sendable {
    private let value = Atomic<Int>(0)

    var current: Int { value.load(ordering: .relaxed) }

    func counting<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        value.add(1, ordering: .relaxed)
        defer { value.subtract(1, ordering: .relaxed) }
        return try await body()
    }
}

/// The event sinks of the connected supervisors; a sink whose connection is gone is dropped.
final class EventSinks: Sendable {
    private let sinks = Mutex<(next: Int, all: [Int: WireEventSink])>((0, [:]))

    func add(_ sink: WireEventSink) {
        sinks.withLock { state in
            state.next += 1
            state.all[state.next] = sink
        }
    }

    func broadcast(_ envelope: WireEnvelope) async {
        for (id, sink) in sinks.withLock({ $0.all }) {
            do {
                try await sink.send(envelope)
            } catch {
                _ = sinks.withLock { $0.all.removeValue(forKey: id) }
            }
        }
    }
}
