import Foundation
import SCSCore
import OrderedCollections

/// `scs-bench load --mode fanout --agents V --calls M`: one writer posts M messages, one at a
/// time, into a session that V viewers watch over `WS /ws/{session_id}` (each viewer its own
/// agent, token and socket, subscribed with `auth_token`). A sample is one delivery: from the
/// start of the writer's `add_message` to a viewer reading its `new_message` frame. The writer
/// waits for all V deliveries (or 5 s) before the next post; a delivery that never comes is an
/// error. CPU µs per call is the server tree's CPU per posted message (delivery to all included).
enum FanoutBenchmark {
    /// Deliveries by message id, shared by the viewer threads and the writer.
    final class Deliveries: @unchecked Sendable {
        let condition = NSCondition()
        var arrivals: [Int64: [Double]] = [:]

        func record(_ id: Int64, at time: Double) {
            condition.withLock {
                arrivals[id, default: []].append(time)
                condition.broadcast()
            }
        }

        /// Waits until `count` viewers have `id` (true) or the deadline passes (false).
        func wait(for id: Int64, count: Int, deadline: Date) -> Bool {
            condition.withLock {
                while arrivals[id, default: []].count < count {
                    if !condition.wait(until: deadline) { return false }
                }
                return true
            }
        }
    }

    static func run(_ options: LoadGenerator.Options) -> JSONValue {
        let results = LoadGenerator.Results()
        let deliveries = Deliveries()
        var sockets: [WebSocketClient] = []
        var posted: [Int64: Double] = [:]
        var wall = 0.0, cpu: Double?
        do {
            let writer = try MCPAgent(port: options.port, path: options.path, apiKey: options.apiKey)
            let runID = UUID().uuidString.prefix(8)
            try writer.connect(agentID: "fanout-writer-\(runID)", agentType: "claude", permissions: ["read", "write"])
            let created = try writer.call("create_session", ["purpose": "bench fan-out", "auth_token": .string(writer.token)])
            guard let session = created["session_id"]?.stringValue else { throw MCPAgent.CallFailure(description: "create_session: \(created)") }
            let ready = DispatchGroup()
            for viewer in 0..<options.agents {
                let auth = try writer.call("authenticate_agent", [
                    "agent_id": .string("fanout-viewer-\(runID)-\(viewer)"), "agent_type": "claude", "requested_permissions": ["read"],
                ])
                guard let token = auth["token"]?.stringValue else { throw MCPAgent.CallFailure(description: "authenticate_agent: \(auth)") }
                let socket = try WebSocketClient(port: options.port, path: "/ws/\(session)")
                try socket.send(text: JSONValue.object(["type": "subscribe", "session_id": .string(session), "auth_token": .string(token)]).compactText)
                guard case .text(let answer) = try socket.receive(), answer.contains("\"subscribed\"") else {
                    throw MCPAgent.CallFailure(description: "viewer \(viewer) was not subscribed")
                }
                sockets.append(socket)
                ready.enter()
                let thread = Thread {
                    ready.leave()
                    listen(socket, expecting: options.calls, into: deliveries, results: results)
                }
                thread.stackSize = 1 << 18
                thread.start()
            }
            ready.wait()
            let cpuBefore = options.cpuPIDs.isEmpty ? nil : LoadGenerator.serverCPU(options)
            let t0 = LoadGenerator.now()
            for n in 0..<options.calls {
                let start = LoadGenerator.now()
                let answer = try writer.call("add_message", [
                    "session_id": .string(session), "content": .string("fan-out \(n): the build is green"), "auth_token": .string(writer.token),
                ])
                guard let id = answer["message_id"]?.intValue else { throw MCPAgent.CallFailure(description: "add_message: \(answer)") }
                posted[id] = start
                if !deliveries.wait(for: id, count: options.agents, deadline: Date().addingTimeInterval(5)) {
                    results.fail(MCPAgent.CallFailure(description: "message \(id) reached fewer than \(options.agents) viewers in 5 s"))
                }
            }
            wall = LoadGenerator.now() - t0
            Thread.sleep(forTimeInterval: 0.05)
            if let cpuBefore { cpu = LoadGenerator.serverCPU(options) - cpuBefore }
        } catch {
            results.fail(error)
        }
        for socket in sockets { socket.shutdown() }
        deliveries.condition.withLock {
            for (id, times) in deliveries.arrivals {
                guard let start = posted[id] else { continue }
                for time in times { results.add((time - start) * 1000) }
            }
        }
        // CPU per posted message, not per delivery.
        return LoadGenerator.summary(results, wall: wall, options: options, cpuSeconds: cpu, cpuCalls: posted.count)
    }

    /// One viewer: reads frames until it has seen `expecting` new messages, or its socket ends.
    static func listen(_ socket: WebSocketClient, expecting: Int, into deliveries: Deliveries, results: LoadGenerator.Results) {
        var seen = 0
        while seen < expecting {
            do {
                switch try socket.receive() {
                case .text(let text):
                    let time = LoadGenerator.now()
                    guard text.contains("\"new_message\""), let id = try? JSONValue.parse(Array(text.utf8))["data"]?["id"]?.intValue else { continue }
                    deliveries.record(id, at: time)
                    seen += 1
                case .close(let code):
                    results.fail(MCPAgent.CallFailure(description: "a viewer's socket was closed (\(code.map(String.init) ?? "no code"))"))
                    return
                }
            } catch {
                return  // shut down by the writer, or timed out: the writer counts what is missing
            }
        }
    }
}
