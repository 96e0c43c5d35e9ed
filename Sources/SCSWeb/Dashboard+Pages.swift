import Foundation
import Hummingbird
import SCSCore
import SCSStorage
import Logging
import OrderedCollections
import SCSAuth
import SCSLive

/// Memory, agents, workers and health, the audit log and the Connect page.
extension Dashboard {
    func memoryPage(_ request: Request, _ viewer: Viewer) async throws -> Response {
        let query = FormFields.query(request)
        let scopeName = query["scope"] ?? "all"
        let page = Layout.pageNumber(query["page"])
        var browse = MemoryBrowseQuery(
            agentID: viewer.isAdmin ? nil : viewer.identity.agentID, scope: scopeName == "global" ? .global : .all,
            limit: Self.sessionsPerPage, offset: (page - 1) * Self.sessionsPerPage)
        browse.sessionsOnly = scopeName == "session"
        browse.previewCharacters = MemoryView.previewCharacters
        let result = try await deps.storage.browseMemory(browse, now: deps.clock.now())
        let tabs = [("all", "All"), ("global", "Global"), ("session", "Session-scoped")].map { value, label -> HTML in
            let current: HTML = value == scopeName || (value == "all" && !["global", "session"].contains(scopeName)) ? " aria-current=\"page\"" : ""
            return "<a href=\"/ui/memory?scope=\(value)\"\(current)>\(label)</a>"
        }
        let whose: HTML = viewer.isAdmin ? "Every agent's entries." : "Your entries (memory is private to each agent)."
        let body: HTML = """
            <h1>Memory</h1><p class="muted">\(whose) Expired entries are not shown; entries with a TTL show when they expire.</p>
            <nav class="tabs">\(tabs)</nav>
            \(MemoryView.table(result, now: deps.clock.now(), showSession: true))
            \(Layout.pager(path: "/ui/memory", query: [("scope", scopeName)], page: page, size: Self.sessionsPerPage, total: result.totalCount))
            """
        return Self.html(Layout.page("Memory", viewer: viewer, active: .memory, body: body))
    }

    /// One memory value whole (the tables show previews): the viewer's own entries, or any for an admin.
    func memoryValue(_ request: Request, _ viewer: Viewer) async throws -> Response {
        let query = FormFields.query(request)
        let agentID = String((query["agent"] ?? "").prefix(Limits.agentIDLength))
        let key = String((query["key"] ?? "").prefix(Limits.keyLength))
        let scope = MemoryScope(sessionID: query["session"].map { String($0.prefix(Limits.sessionIDLength)) })
        guard viewer.isAdmin || agentID == viewer.identity.agentID,
            let entry = try await deps.storage.memory(agentID: agentID, key: key, scope: scope, now: deps.clock.now())
        else {
            return Self.html(Layout.page("Not found", viewer: viewer, active: .memory, body: Layout.errorBox("No such memory entry.")), status: .notFound)
        }
        let body: HTML = """
            <h1>Memory: <code>\(entry.key)</code></h1><p class="muted">\(entry.agentID) · \(entry.scope.sessionID ?? "global") · updated \(Layout.time(entry.updatedAt))</p>
            <pre class="value" id="memory-value">\(entry.value.stringValue ?? entry.value.compactText)</pre>
            """
        return Self.html(Layout.page("Memory value", viewer: viewer, active: .memory, body: body))
    }

    /// Who called tools on which session. An agent that is not an admin sees only its own rows,
    /// as MCP shows it no other agent's activity outside a session it asks about.
    func agentsPage(_ viewer: Viewer) async throws -> Response {
        let rows = try await deps.storage.recentActivity(limit: 200).filter { viewer.isAdmin || $0.activity.agentID == viewer.identity.agentID }
        var byAgent: [(agent: AgentActivity, sessions: [(String, Double)])] = []
        var index: [String: Int] = [:]
        for row in rows {
            if let position = index[row.activity.agentID] {
                byAgent[position].sessions.append((row.sessionID, row.activity.lastSeen))
            } else {
                index[row.activity.agentID] = byAgent.count
                byAgent.append((row.activity, [(row.sessionID, row.activity.lastSeen)]))
            }
        }
        let now = deps.clock.now()
        let items = byAgent.map { entry -> HTML in
            let fresh = now - entry.agent.lastSeen < 300
            let sessions = entry.sessions.prefix(8).map { id, seen -> HTML in
                "<a href=\"/ui/sessions/\(id)\"><code>\(id)</code></a> (\(Layout.time(seen)))"
            }
            return """
                <tr><td><span class="dot \(fresh ? "on" : "off")" aria-label="\(fresh ? "active in the last 5 minutes" : "idle")"></span> <strong>\(entry.agent.agentID)</strong></td>
                <td>\(entry.agent.agentType)</td><td>\(Layout.time(entry.agent.lastSeen))</td><td class="sessions">\(sessions.map { $0 + "<br>" })</td></tr>
                """
        }
        let registered = try await registeredAgentsSection(viewer)
        let body: HTML = items.isEmpty
            ? "<h1>Agents</h1><p class=\"empty\">No agent has called a session tool yet.</p>\(registered)"
            : """
                <h1>Agents</h1><p class="muted">Who called tools on which session, most recent first.</p>
                <div class="scroll"><table class="list" id="agents"><thead><tr><th>Agent</th><th>Type</th><th>Last seen</th><th>Sessions</th></tr></thead>
                <tbody>\(items)</tbody></table></div>\(registered)
                """
        return Self.html(Layout.page("Agents", viewer: viewer, active: .agents, body: body))
    }

    func healthPage(_ request: Request, _ viewer: Viewer) async -> Response {
        guard viewer.isAdmin else {
            // What MCP shows an agent that is not an admin: nothing of the workers or the database
            // (get_performance_metrics is for admins).
            return Self.html(Layout.page("Workers & health", viewer: viewer, active: .health, body: """
                <h1>Workers &amp; health</h1><p class="status-line">version \(deps.version)</p>
                <p class="muted">Workers, the database and the raw health report are shown to admins only.</p>
                """))
        }
        let workers = await deps.workers()
        let health = await deps.health()
        let notice: HTML = FormFields.query(request)["restarted"].map { "<p class=\"notice ok\" role=\"status\">Restarted: \($0).</p>" } ?? .empty
        let rows = workers.map { worker -> HTML in
            """
            <tr class="worker" data-role="\(worker.role)"><td>\(worker.role) \(worker.slot)</td><td>\(worker.pid.map { String($0) } ?? "—")</td>
            <td><span class="state \(worker.state)">\(worker.state)</span></td><td class="num">\(worker.restarts)</td>
            <td>\(MemoryView.duration(worker.uptime))</td><td class="num">\(worker.inFlight)</td><td>\(worker.lastError ?? "—")</td></tr>
            """
        }
        let restart: HTML = viewer.isOperator
            ? """
                <form method="post" action="/ui/workers/restart" class="filters" id="restart-form"><input type="hidden" name="csrf" value="\(viewer.csrf)">
                <label>Restart <select name="role" id="restart-role"><option value="search">search workers</option><option value="memory">memory worker</option></select></label>
                <button type="submit" id="restart-button">Restart</button></form>
                """
            : "<p class=\"muted\">Only the operator (signed in with the password) can restart workers.</p>"
        let everywhere: HTML = viewer.isOperator
            ? """
                <h2>Sign-ins</h2><form method="post" action="/ui/logout-everywhere" class="filters" id="logout-everywhere-form">
                <input type="hidden" name="csrf" value="\(viewer.csrf)"><button type="submit" id="logout-everywhere">Sign out everywhere</button>
                <span class="muted">Ends every dashboard login, the operator's and agents', on every node.</span></form>
                """
            : .empty
        let database = health["database"]
        let status = health["status"]?.stringValue ?? "unknown"
        let body: HTML = """
            <h1>Workers &amp; health</h1>\(notice)
            <p class="status-line"><span class="state \(status)">\(status)</span> · version \(deps.version)</p>
            <div class="scroll"><table class="list" id="workers"><thead><tr><th>Worker</th><th>PID</th><th>State</th><th class="num">Restarts</th>
            <th>Uptime</th><th class="num">In flight</th><th>Last error</th></tr></thead><tbody>\(rows)</tbody></table></div>
            \(restart)\(everywhere)
            <h2>Database</h2>
            <dl class="facts"><dt>Backend</dt><dd>\(database?["backend"]?.stringValue ?? "?")</dd><dt>State</dt><dd>\(database?["status"]?.stringValue ?? "?")</dd>
            <dt>Size</dt><dd>\(database?["size_bytes"]?.intValue.map { Self.bytes($0) } ?? "?")</dd></dl>
            <details><summary>Raw health report</summary><pre class="value">\(health.compactText)</pre></details>
            """
        return Self.html(Layout.page("Workers & health", viewer: viewer, active: .health, body: body))
    }

    static func bytes(_ value: Int64) -> String {
        value >= 1 << 20 ? String(format: "%.1f MiB", Double(value) / 1_048_576) : String(format: "%.1f KiB", Double(value) / 1_024)
    }

    /// The operator restarts a role's workers; the restart is audited.
    func restartWorker(fields: FormFields, _ viewer: Viewer) async throws -> Response {
        guard viewer.isOperator else { return operatorOnly(viewer, "Only the operator can restart workers.") }
        guard let role = fields["role"], ["search", "memory"].contains(role) else { throw SCSError(code: .invalidInput, message: "Unknown worker role.") }
        try await deps.restart(role)
        deps.audit.write(NewAuditEvent(
            eventType: "worker_restarted", agentID: viewer.identity.agentID, sessionID: nil,
            metadata: ["role": .string(role), "via": "dashboard"], timestamp: deps.clock.now()))
        return Self.redirect("/ui/health?restarted=\(role)")
    }

    func auditPage(_ request: Request, _ viewer: Viewer) async throws -> Response {
        guard viewer.isAdmin else {
            return Self.html(Layout.page("Audit log", viewer: viewer, active: nil, body: Layout.errorBox("The audit log is for the operator.")), status: .forbidden)
        }
        let query = FormFields.query(request)
        let field = { (name: String) in String((query[name] ?? "").prefix(200)) }
        let (agent, session, type) = (field("agent"), field("session"), field("type"))
        let events = try await deps.storage.auditEvents(AuditQuery(
            agentID: agent.isEmpty ? nil : agent, sessionID: session.isEmpty ? nil : session, eventType: type.isEmpty ? nil : type, limit: 200))
        let rows = events.map { event -> HTML in
            """
            <tr><td>\(Layout.time(event.timestamp))</td><td><code>\(event.eventType)</code></td><td>\(event.agentID)</td>
            <td>\(event.sessionID.map { "<a href=\"/ui/sessions/\($0)\"><code>\($0)</code></a>" as HTML } ?? "—")</td>
            <td class="meta">\(event.metadata.map { JSONValue.object($0).compactText } ?? "")</td></tr>
            """
        }
        let body: HTML = """
            <h1>Audit log</h1>
            <form method="get" action="/ui/audit" class="filters"><input name="agent" value="\(agent)" placeholder="Agent" aria-label="Agent">
            <input name="session" value="\(session)" placeholder="Session id" aria-label="Session"><input name="type" value="\(type)" placeholder="Event type" aria-label="Event type">
            <button type="submit">Filter</button></form>
            \(rows.isEmpty ? "<p class=\"empty\">No audit events match.</p>" : """
                <div class="scroll"><table class="list" id="audit"><thead><tr><th>When</th><th>Event</th><th>Agent</th><th>Session</th><th>Details</th></tr></thead>
                <tbody>\(rows)</tbody></table></div><p class="muted">The newest 200 matching events.</p>
                """ as HTML)
            """
        return Self.html(Layout.page("Audit log", viewer: viewer, active: .audit, body: body))
    }

    func connectPage(_ request: Request, _ viewer: Viewer) -> Response {
        let host = request.head.authority ?? "127.0.0.1:23456"
        let url = "http://\(host)/mcp"
        let claude = "claude mcp add --transport http scs \(url) --header \"X-API-Key: YOUR_API_KEY\""
        let json = """
            {
              "mcpServers": {
                "shared-context-server": {
                  "type": "http",
                  "url": "\(url)",
                  "headers": { "X-API-Key": "YOUR_API_KEY" }
                }
              }
            }
            """
        let reveal: HTML = viewer.isOperator
            ? """
                <p><button type="button" id="reveal-key">Reveal the API key for 30 seconds</button> <code id="api-key" class="secret hidden"></code></p>
                """
            : "<p class=\"muted\">The API key lets a caller act as any agent, so only the operator can reveal it.</p>"
        let body: HTML = """
            <h1>Connect an agent</h1>
            <p>MCP over HTTP at <code>\(url)</code>. Every client sends the API key in <code>X-API-Key</code>, then calls
            <code>authenticate_agent</code> for its own token.</p>\(reveal)
            <h2>Claude Code</h2><pre><code>\(claude)</code></pre>
            <h2>JSON configuration (Claude Desktop, Cursor, others)</h2><pre><code>\(json)</code></pre>
            <p class="muted"><code>scs client-config --help</code> prints these for every supported client.</p>
            """
        return Self.html(Layout.page("Connect", viewer: viewer, active: .connect, body: body))
    }

    /// The API key, to the operator only, with how long the page may show it.
    func revealKey(_ viewer: Viewer) -> Response {
        guard viewer.isOperator else { return Self.json(["error": "Only the operator can reveal the API key."], status: .forbidden) }
        deps.audit.write(NewAuditEvent(eventType: "api_key_revealed", agentID: viewer.identity.agentID, sessionID: nil, metadata: nil, timestamp: deps.clock.now()))
        return Self.json(["api_key": .string(deps.apiKey), "ttl_seconds": 30])
    }
}
