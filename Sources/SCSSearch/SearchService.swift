import Foundation
public import SCSCore
public import SCSStorage
import Synchronization

/// Fuzzy search over whole sessions (no time window, no row cap), with per-session indexes that
/// load lazily and catch up on every search. Least recently used sessions are dropped when more
/// than `maxSessions` are held, or when the indexes together hold more than `maxBytes` (the
/// session being searched is always kept, however large).
public final class SearchService: Sendable {
    private let storage: any MessageStore
    private let maxSessions: Int
    /// Memory the indexes may hold together (`SCS_SEARCH_INDEX_BYTES`, default 1 GiB).
    public let maxBytes: Int
    private let state = Mutex(State())

    private struct State {
        var indexes: [String: SessionIndex] = [:]
        var lastUse: [String: UInt64] = [:]
        /// Each index's size as of its last search.
        var bytes: [String: Int] = [:]
        var tick: UInt64 = 0
        /// Searches that found no index in memory and loaded one.
        var coldLoads = 0
    }

    public init(storage: any MessageStore, maxSessions: Int = 512, maxBytes: Int = 1 << 30) {
        self.storage = storage
        self.maxSessions = maxSessions
        self.maxBytes = maxBytes
    }

    /// Number of sessions currently indexed.
    public var indexedSessions: Int { state.withLock { $0.indexes.count } }
    /// About how much memory the indexes hold.
    public var indexedBytes: Int { state.withLock { $0.bytes.values.reduce(0, +) } }
    /// Searches since start that found no index in memory and loaded one from storage.
    public var coldLoads: Int { state.withLock { $0.coldLoads } }

    public func search(_ query: SearchQuery) async throws -> SearchOutcome {
        let entries = try await index(for: query.sessionID).current(from: storage)
        // An unknown (or empty) session keeps no index: ids made up by a caller fill nothing.
        if entries.count == 0 { evict(sessionID: query.sessionID) } else { account(entries.bytes, for: query.sessionID) }
        // Large sessions are scored in parallel slices (each with its own scorer and scratch).
        let slices = entries.count >= 4_096 ? min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) : 1
        let (candidates, ranked) = await Self.rank(entries, query, slices: slices)
        let top = ranked.map { SearchHit(message: entries.messages[$0.position], score: $0.score) }
        return SearchOutcome(hits: top, candidates: candidates)
    }

    /// The best `query.limit` hits of `entries` (and the candidate count): the messages that
    /// contain the query are looked up first (`SessionTexts.exactMatches`) — enough of them are the
    /// answer — then the rest is scored in `slices` parallel position ranges that share their
    /// floors (see `SliceFloors`).
    static func rank(_ entries: SessionTexts, _ query: SearchQuery, slices: Int) async -> (Int, [RankedHit]) {
        // Nothing is built for the query (its scalars, pattern tables) before there is a text.
        guard entries.count > 0 else { return (0, []) }
        let whole = 0..<entries.count
        let scalars = FuzzyScorer.scalars(query.query)
        let occurrences: KnownOccurrences
        switch entries.exactMatches(whole, query: scalars, for: query) {
        case .enough(let newest)?:
            return (entries.candidateCount(whole, for: query), newest.map { RankedHit(position: $0, score: 100) })
        case .all(let positions)?:
            occurrences = KnownOccurrences(positions: positions, fullWindows: FuzzyScorer.withoutOccurrence(queryLength: scalars.count))
        case nil:
            occurrences = KnownOccurrences()
        }
        let slices = max(1, slices)
        if slices == 1 {  // no child task to start and wait for
            let (candidates, hits) = Self.score(entries, whole, query, known: occurrences)
            return (candidates, Self.best(hits, limit: query.limit))
        }
        let sliceSize = (entries.count + slices - 1) / slices
        let floors = SliceFloors(slices: slices)
        let results = await withTaskGroup(of: (Int, [RankedHit]).self) { group in
            for slice in 0..<slices {
                let range = min(entries.count, slice * sliceSize)..<min(entries.count, (slice + 1) * sliceSize)
                group.addTask { Self.score(entries, range, query, floors: floors, slice: slice, known: occurrences) }
            }
            var all: [(Int, [RankedHit])] = []
            for await result in group { all.append(result) }
            return all
        }
        return (results.reduce(0) { $0 + $1.0 }, Self.best(results.flatMap(\.1), limit: query.limit))
    }

    /// Scores `range` newest first, keeping only the best `query.limit` hits. Once that many are
    /// held, a message must beat the weakest of them (an equal score never displaces a newer
    /// message), so the scorer's threshold rises and most texts are rejected by its bounds.
    static func score(
        _ entries: SessionTexts, _ range: Range<Int>, _ query: SearchQuery, floors: SliceFloors? = nil, slice: Int = 0,
        known: KnownOccurrences = KnownOccurrences()
    ) -> (Int, [RankedHit]) {
        let scorer = FuzzyScorer(query: query.query)
        var top = TopHits(limit: max(0, query.limit))
        let candidates = entries.scan(range, for: query, scorer: scorer, into: &top, floors: floors, slice: slice, known: known)
        return (candidates, top.hits)
    }

    /// Where the query occurs in the session, when that was looked up first: those messages
    /// score 100, and in every other one no full-length window can score above `fullWindows`.
    struct KnownOccurrences: Sendable {
        /// Positions, newest first (empty and `fullWindows` 100 when nothing was looked up).
        var positions: [Int] = []
        var fullWindows: Double = 100
    }

    struct RankedHit: Sendable {
        let position: Int
        let score: Double
    }

    /// Best first; equal scores newest (highest position) first — the order of RapidFuzz
    /// `process.extract` over newest-first choices, as the Python server calls it.
    static func best(_ hits: [RankedHit], limit: Int) -> [RankedHit] {
        Array(hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.position > $1.position }.prefix(max(0, limit)))
    }

    /// Forgets a session's index (it reloads on the next search).
    public func evict(sessionID: String) {
        _ = state.withLock { state in
            state.lastUse.removeValue(forKey: sessionID)
            state.bytes.removeValue(forKey: sessionID)
            return state.indexes.removeValue(forKey: sessionID)
        }
    }

    /// Records an index's size, then drops the least recently used other indexes while all of
    /// them together hold more than `maxBytes`.
    private func account(_ bytes: Int, for sessionID: String) {
        state.withLock { state in
            guard state.indexes[sessionID] != nil else { return }
            state.bytes[sessionID] = bytes
            var total = state.bytes.values.reduce(0, +)
            while total > maxBytes,
                  let oldest = state.lastUse.filter({ $0.key != sessionID }).min(by: { $0.value < $1.value })?.key
            {
                total -= state.bytes.removeValue(forKey: oldest) ?? 0
                state.indexes.removeValue(forKey: oldest)
                state.lastUse.removeValue(forKey: oldest)
            }
        }
    }

    private func index(for sessionID: String) -> SessionIndex {
        state.withLock { state in
            state.tick += 1
            state.lastUse[sessionID] = state.tick
            if let index = state.indexes[sessionID] { return index }
            let index = SessionIndex(sessionID: sessionID)
            state.coldLoads += 1
            state.indexes[sessionID] = index
            if state.indexes.count > maxSessions, let oldest = state.lastUse.min(by: { $0.value < $1.value })?.key {
                state.indexes.removeValue(forKey: oldest)
                state.lastUse.removeValue(forKey: oldest)
                state.bytes.removeValue(forKey: oldest)
            }
            return index
        }
    }
}
