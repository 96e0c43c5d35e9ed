import Foundation
import SCSCore
import OrderedCollections

/// `scs-bench load --port P --api-key K --tool NAME --args JSON [--agents 1] [--calls 200]
///  [--agent-type claude] [--queries FILE] [--path /mcp] [--warmup 20] [--cpu-pid PID]`
/// Each agent (a thread with its own connection, MCP session and token) calls the tool `--calls`
/// times; in `--args`, "{agent}", "{n}", "{token}" and "{query}" are replaced per call. Prints
/// one JSON object: calls, errors, p50/p95/p99 ms, calls per second, first error, and with
/// `--cpu-pid` the CPU time the server tree rooted there used per measured call (µs; warm-up and
/// connecting are outside the window).
/// `--mode wakeup --session S`: wait_for_messages wake-up latency (a waiter long-polls, a writer
/// posts; latency = writer's post start → waiter's answer).
/// `--mode fanout`: one add_message delivered to `--agents` WebSocket viewers (FanoutBenchmark).
/// `--ports P1,P2,…` spreads the agents over several nodes (agent i → port i mod count; in
/// wake-up mode the writer posts to the first and the waiter long-polls the last);
/// `--cpu-pid` takes a comma-separated list (their trees are summed) and `--db-cpu-pid` names the
/// database server, whose tree's CPU per call is reported apart (`db_cpu_us_per_call`).
enum LoadGenerator {
    struct Options {
        var port: Int
        var apiKey: String
        /// Every node's port (just `port` unless `--ports` is given).
        var ports: [Int] = []
        var path = "/mcp"
        var tool = ""
        var arguments = "{}"
        var agents = 1
        var calls = 200
        var warmup = 20
        var agentType = "claude"
        var queries: [String] = ["query"]
        var mode = "calls"
        var session = ""
        /// A call each agent makes once before warm-up (e.g. set_memory before get_memory).
        var setupTool: String?
        var setupArguments = "{}"
        /// The server's pids, to measure their trees' CPU time per call.
        var cpuPIDs: [Int32] = []
        /// The database server's pid (PostgreSQL), measured apart.
        var databasePID: Int32?

        func port(ofAgent agent: Int) -> Int { ports.isEmpty ? port : ports[agent % ports.count] }
    }

    static func parse(_ arguments: [String]) -> Options? {
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        let ports = (option("--ports") ?? "").split(separator: ",").compactMap { Int($0) }
        guard let port = option("--port").flatMap(Int.init) ?? ports.first, let key = option("--api-key") else { return nil }
        var options = Options(port: port, apiKey: key)
        options.ports = ports
        options.path = option("--path") ?? options.path
        options.tool = option("--tool") ?? ""
        options.arguments = option("--args") ?? "{}"
        options.agents = option("--agents").flatMap(Int.init) ?? 1
        options.calls = option("--calls").flatMap(Int.init) ?? 200
        options.warmup = option("--warmup").flatMap(Int.init) ?? 20
        options.agentType = option("--agent-type") ?? "claude"
        options.mode = option("--mode") ?? "calls"
        options.session = option("--session") ?? ""
        options.setupTool = option("--setup-tool")
        options.setupArguments = option("--setup-args") ?? "{}"
        options.cpuPIDs = (option("--cpu-pid") ?? "").split(separator: ",").compactMap { Int32($0) }
        options.databasePID = option("--db-cpu-pid").flatMap(Int32.init)
        if let file = option("--queries"), let text = try? String(contentsOfFile: file, encoding: .utf8) {
            options.queries = text.split(separator: "\n").compactMap { try? JSONValue.parse(Array($0.utf8)).stringValue }
        }
        return options
    }

    final class Results: @unchecked Sendable {
        let lock = NSLock()
        var samples: [Double] = []
        var errors = 0
        var firstError: String?

        func add(_ sample: Double) { lock.withLock { samples.append(sample) } }
        func fail(_ error: any Error) {
            lock.withLock {
                errors += 1
                if firstError == nil { firstError = "\(error)" }
            }
        }
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func run(_ options: Options) -> JSONValue {
        if options.mode == "wakeup" { return wakeup(options) }
        if options.mode == "fanout" { return FanoutBenchmark.run(options) }
        let results = Results()
        let ready = DispatchGroup()
        let done = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        let runID = UUID().uuidString.prefix(8)
        let template: ArgumentTemplate
        let setupTemplate: ArgumentTemplate
        do {
            template = try ArgumentTemplate(options.arguments)
            setupTemplate = try ArgumentTemplate(options.setupArguments)
        } catch {
            results.fail(error)
            return summary(results, wall: 0, options: options)
        }
        for agent in 0..<options.agents {
            ready.enter()
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                let client: MCPAgent
                do {
                    client = try MCPAgent(port: options.port(ofAgent: agent), path: options.path, apiKey: options.apiKey)
                    let permissions = options.agentType == "admin" ? ["read", "write", "admin"] : ["read", "write"]
                    try client.connect(agentID: "bench-\(runID)-\(agent)", agentType: options.agentType, permissions: permissions)
                    if let setup = options.setupTool {
                        try client.call(setup, renderedArguments: setupTemplate.render(agent: agent, n: 0, token: client.token, query: ""))
                    }
                    for n in 0..<options.warmup {
                        try client.call(options.tool, renderedArguments: template.render(
                            agent: agent, n: -1 - n, token: client.token, query: options.queries[n % options.queries.count]))
                    }
                } catch {
                    results.fail(error)
                    ready.leave()
                    return
                }
                ready.leave()
                start.wait()
                for n in 0..<options.calls {
                    let query = options.queries[(agent * 7919 + n) % options.queries.count]
                    do {
                        let args = template.render(agent: agent, n: n, token: client.token, query: query)
                        let t0 = now()
                        try client.check(options.tool, renderedArguments: args)
                        results.add((now() - t0) * 1000)
                    } catch {
                        results.fail(error)
                    }
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        ready.wait()
        let cpuBefore = options.cpuPIDs.isEmpty ? nil : serverCPU(options)
        let databaseBefore = options.databasePID.map { ProcessTreeCPU.seconds(root: $0) }
        let t0 = now()
        for _ in 0..<options.agents { start.signal() }
        done.wait()
        let wall = now() - t0
        // The server may still be finishing the last answers' bookkeeping; let it settle.
        Thread.sleep(forTimeInterval: 0.05)
        let cpu: Double? = cpuBefore.map { serverCPU(options) - $0 }
        var summary = summary(results, wall: wall, options: options, cpuSeconds: cpu)
        if let databaseBefore, let pid = options.databasePID, !results.samples.isEmpty, case .object(var fields) = summary {
            let seconds = ProcessTreeCPU.seconds(root: pid) - databaseBefore
            fields["db_cpu_us_per_call"] = .double((seconds / Double(results.samples.count) * 1e6).rounded())
            summary = .object(fields)
        }
        return summary
    }

    /// CPU seconds of every server tree named by `--cpu-pid`.
    static func serverCPU(_ options: Options) -> Double {
        options.cpuPIDs.reduce(0) { $0 + ProcessTreeCPU.seconds(root: $1) }
    }

    /// `cpuCalls`: what the CPU time is shared by (default: the samples).
    static func summary(_ results: Results, wall: Double, options: Options, cpuSeconds: Double? = nil, cpuCalls: Int? = nil) -> JSONValue {
        let sorted = results.samples.sorted()
        func pick(_ p: Double) -> JSONValue {
            guard !sorted.isEmpty else { return .null }
            return .double((sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))] * 1000).rounded() / 1000)
        }
        return [
            "tool": .string(options.mode == "wakeup" ? "wait_for_messages (wake-up)" : options.mode == "fanout" ? "add_message (fan-out)" : options.tool),
            "agents": .int(Int64(options.agents)), "calls": .int(Int64(sorted.count)), "errors": .int(Int64(results.errors)),
            "p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "per_second": .double(wall > 0 ? (Double(sorted.count) / wall).rounded() : 0),
            "first_error": results.firstError.map { .string(String($0.prefix(300))) } ?? .null,
            "cpu_us_per_call": cpuSeconds.flatMap { cpu in
                let calls = cpuCalls ?? sorted.count
                return calls == 0 ? nil : .double((cpu / Double(calls) * 1e6).rounded())
            } ?? .null,
        ]
    }

    /// wait_for_messages wake-up latency: the writer posts, the waiter's long-poll answers.
    static func wakeup(_ options: Options) -> JSONValue {
        let results = Results()
        let t0 = now()
        do {
            let waiter = try MCPAgent(port: options.ports.last ?? options.port, path: options.path, apiKey: options.apiKey)
            let writer = try MCPAgent(port: options.port, path: options.path, apiKey: options.apiKey)
            try waiter.connect(agentID: "bench-waiter", agentType: "claude", permissions: ["read", "write"])
            try writer.connect(agentID: "bench-writer", agentType: "claude", permissions: ["read", "write"])
            var last = try writer.call("add_message", ["session_id": .string(options.session), "content": "start", "auth_token": .string(writer.token)])["message_id"]?.intValue ?? 0
            for n in 0..<options.calls {
                let posted = Box()
                let answered = DispatchSemaphore(value: 0)
                let after = last
                let thread = Thread {
                    do {
                        let result = try waiter.call("wait_for_messages", [
                            "session_id": .string(options.session), "after_message_id": .int(after), "timeout_seconds": 10,
                            "auth_token": .string(waiter.token),
                        ])
                        posted.end = now()
                        if result["timed_out"] == true { posted.failed = "timed out" }
                    } catch {
                        posted.failed = "\(error)"
                    }
                    answered.signal()
                }
                thread.start()
                usleep(20_000)  // the waiter is parked in its long-poll
                posted.start = now()
                last = try writer.call("add_message", [
                    "session_id": .string(options.session), "content": .string("wake \(n)"), "auth_token": .string(writer.token),
                ])["message_id"]?.intValue ?? last
                answered.wait()
                if let failure = posted.failed {
                    results.fail(MCPAgent.CallFailure(description: failure))
                } else {
                    results.add((posted.end - posted.start) * 1000)
                }
            }
        } catch {
            results.fail(error)
        }
        return summary(results, wall: now() - t0, options: options)
    }

    final class Box: @unchecked Sendable {
        var start = 0.0
        var end = 0.0
        var failed: String?
    }
}
