import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import GRDB
import Logging
import SCSCore
import SCSStorage
import SCSStorageSQLite
import SCSSupervisor
import SCSWire
import OrderedCollections

/// `scs-bench search --scs PATH --out DIR [--sizes 1000,10000,100000] [--queries 200]`
/// Fills one session per size, searches each through a real search worker (the same IPC path
/// `scs serve` uses), and writes the corpus and queries for the RapidFuzz side of the comparison.
struct SearchBenchmark {
    static func run() async throws {
        let arguments = CommandLine.arguments
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        guard let scs = option("--scs"), let out = option("--out") else {
            FileHandle.standardError.write(Data("usage: scs-bench --scs PATH --out DIR [--sizes 1000,10000,100000] [--queries 200]\n".utf8))
            exit(64)
        }
        let sizes = (option("--sizes") ?? "1000,10000,100000").split(separator: ",").compactMap { Int($0) }
        let queryCount = Int(option("--queries") ?? "200") ?? 200
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let databasePath = out + "/bench.db"
        try? FileManager.default.removeItem(atPath: databasePath)
        let storage = try SQLiteStorage(configuration: StorageConfiguration(backend: .sqlite(path: databasePath)), schema: .migrate)

        var generator = Corpus(seed: 42)
        var sessions: [(size: Int, id: String)] = []
        let queue = try DatabaseQueue(path: databasePath)
        for size in sizes {
            let session = try await storage.createSession(NewSession(purpose: "bench \(size)", createdBy: "bench", createdAt: 1))
            var lines: [String] = []
            let contents = (0..<size).map { _ in generator.message() }
            try await queue.write { db in
                let insert = try db.makeStatement(sql: """
                    INSERT INTO messages (session_id, sender, sender_type, content, visibility, timestamp) VALUES (?, ?, 'claude', ?, 'public', ?)
                    """)
                for index in 0..<size {
                    let sender = "agent-\(index % 7)"
                    try insert.execute(arguments: [session.id, sender, contents[index], Double(index)])
                }
            }
            // The same texts, newest first, as the Python server hands them to process.extract.
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT sender, content FROM messages WHERE session_id = ? ORDER BY id DESC", arguments: [session.id])
            }
            for row in rows { lines.append(JSONValue.string((row[0] as String) + " " + (row[1] as String)).compactText) }
            try lines.joined(separator: "\n").write(toFile: "\(out)/corpus-\(size).jsonl", atomically: true, encoding: .utf8)
            sessions.append((size, session.id))
        }
        try queue.close()
        let queries = (0..<queryCount).map { _ in generator.query() }
        try queries.map { JSONValue.string($0).compactText }.joined(separator: "\n").write(toFile: out + "/queries.jsonl", atomically: true, encoding: .utf8)

        let runtime = "/tmp/scs-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let supervisor = Supervisor(
            options: SupervisorOptions(
                runtimeDirectory: runtime, searchWorkers: 1, executables: [.search: scs, .memory: scs],
                workerEnvironment: ["DATABASE_PATH": databasePath, "LOG_LEVEL": "warning", "PATH": "/usr/bin:/bin"], version: "bench"),
            logger: logger)
        let spawnStart = ContinuousClock.now
        let started = await supervisor.start()
        let readyMilliseconds = (ContinuousClock.now - spawnStart).milliseconds
        guard started else {
            FileHandle.standardError.write(Data("bench: workers did not start\n".utf8))
            exit(1)
        }
        let identity = AgentIdentity(agentID: "bench", agentType: "claude", permissions: [.read])
        var report: [JSONValue] = []
        for (size, sessionID) in sessions {
            let loadStart = ContinuousClock.now
            _ = try await supervisor.call(SearchMethod.self, .init(identity: identity, sessionID: sessionID, query: "warm up"))
            let load = ContinuousClock.now - loadStart
            var samples: [Double] = []
            var hits = 0
            for query in queries {
                let start = ContinuousClock.now
                let result = try await supervisor.call(SearchMethod.self, .init(identity: identity, sessionID: sessionID, query: query))
                samples.append((ContinuousClock.now - start).milliseconds)
                hits += result.hits.count
            }
            samples.sort()
            report.append([
                "workers_ready_ms": .double(readyMilliseconds),
                "size": .int(Int64(size)), "p50_ms": .double(percentile(samples, 0.50)), "p95_ms": .double(percentile(samples, 0.95)),
                "index_load_ms": .double(load.milliseconds), "hits": .int(Int64(hits)),
            ])
        }
        // Recovery: kill -9 one search worker and time until a new one is ready.
        if let victim = await supervisor.search.status().first?.pid {
            let killedAt = ContinuousClock.now
            kill(victim, SIGKILL)
            while await supervisor.search.status().first.map({ $0.state != "ready" || $0.pid == victim }) ?? true {
                try await Task.sleep(for: .milliseconds(1))
            }
            let recovery = (ContinuousClock.now - killedAt).milliseconds
            report = report.map { row in
                guard case .object(var object) = row else { return row }
                object["worker_recovery_ms"] = .double(recovery)
                return .object(object)
            }
        }
        await supervisor.shutdown()
        try await storage.close()
        print(JSONValue.array(report).compactText)
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15 }
}

/// Deterministic agent-like messages and queries (a small xorshift generator).
struct Corpus {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    static let words = ("the database migration failed on session restart because the worker socket closed early; "
        + "search index latency improved after caching memory tokens; deploy kubernetes cluster with postgres replica; "
        + "review the fuzzy ratio threshold and visibility rules for agent_only messages; rust swift python benchmark "
        + "results show throughput regression in message thread handling; ticket SCS-1042 blocked on authentication refresh")
        .split(separator: " ").map(String.init)

    mutating func message() -> String {
        let count = 8 + Int(next() % 40)
        return (0..<count).map { _ in Self.words[Int(next() % UInt64(Self.words.count))] }.joined(separator: " ")
    }

    mutating func query() -> String {
        var word = Self.words[Int(next() % UInt64(Self.words.count))]
        if next() % 3 == 0, word.count > 3 {  // a typo
            var characters = Array(word)
            characters.remove(at: Int(next() % UInt64(characters.count)))
            word = String(characters)
        }
        if next() % 2 == 0 { word += " " + Self.words[Int(next() % UInt64(Self.words.count))] }
        return word
    }
}
