import Foundation
import Hummingbird
import SCSAuth
import SCSCore
import SCSStorage
import OrderedCollections

/// The operator's registered agents on the Agents page (README, "Security"): register one (its key
/// is shown once), rotate, revoke or remove a key — the same as `scs agents`.
extension Dashboard {
    /// The section, for the operator only (nothing for anyone else).
    func registeredAgentsSection(_ viewer: Viewer) async throws -> HTML {
        guard viewer.isOperator else { return .empty }
        let agents = try await deps.storage.registeredAgents()
        let rows = agents.map { agent -> HTML in
            let state: HTML = agent.revokedAt.map { "<span class=\"state down\">revoked \(Layout.time($0))</span>" }
                ?? "key of \(Layout.time(agent.keyCreatedAt))"
            let actions: HTML = (agent.revokedAt == nil ? ["rotate", "revoke", "remove"] : ["remove"]).map { action -> HTML in
                """
                <form method="post" action="/ui/agents/\(action)" class="inline"><input type="hidden" name="csrf" value="\(viewer.csrf)">\
                <input type="hidden" name="agent_id" value="\(agent.agentID)"><button type="submit" class="small" data-action="\(action)">\(action.capitalized)</button></form>
                """
            }.reduce(HTML.empty, +)
            return """
                <tr data-agent="\(agent.agentID)"><td><strong>\(agent.agentID)</strong></td><td>\(agent.agentType)</td>
                <td>\(agent.permissions.joined(separator: ", "))</td><td>\(state)</td><td>\(actions)</td></tr>
                """
        }
        let table: HTML = agents.isEmpty
            ? "<p class=\"empty\">No registered agent yet.</p>"
            : """
                <div class="scroll"><table class="list" id="registered-agents"><thead><tr><th>Agent</th><th>Type</th><th>Permissions</th>
                <th>Key</th><th></th></tr></thead><tbody>\(rows.reduce(HTML.empty, +))</tbody></table></div>
                """
        return """
            <h2>Registered agents</h2>
            <p class="muted">An agent's key is its identity: it goes where the API key went (X-API-Key), and no other agent can act as it.
            Identity mode: <strong>\(deps.identityMode.rawValue)</strong>.</p>
            \(table)
            <form method="post" action="/ui/agents/register" class="filters" id="register-agent"><input type="hidden" name="csrf" value="\(viewer.csrf)">
            <label>Agent id <input name="agent_id" required maxlength="\(Limits.agentIDLength)"></label>
            <label>Type <input name="agent_type" required maxlength="\(Limits.agentTypeLength)" value="claude"></label>
            <label>Permissions <input name="permissions" value="read,write" maxlength="64"></label>
            <button type="submit" id="register-button">Register</button></form>
            """
    }

    /// Register, rotate, revoke or remove; a new key is shown once, on the page this answers.
    func changeRegisteredAgent(_ action: String, fields: FormFields, _ viewer: Viewer) async throws -> Response {
        guard viewer.isOperator else { return operatorOnly(viewer, "Only the operator can register agents.") }
        let agentID = String((fields["agent_id"] ?? "").prefix(Limits.agentIDLength + 1))
        guard !TextSanitizer.trimmed(agentID).isEmpty, agentID.count <= Limits.agentIDLength, !TextSanitizer.hasControlCharacter(agentID),
              !AgentIdentity.isReserved(agentID)
        else { throw SCSError(code: .invalidInput, message: "An agent id is 1-\(Limits.agentIDLength) characters, without control characters.") }
        let keys = AgentKeys(store: deps.storage, clock: deps.clock)
        var key: String?
        switch action {
        case "register":
            let type = String((fields["agent_type"] ?? "").prefix(Limits.agentTypeLength + 1))
            guard !TextSanitizer.trimmed(type).isEmpty, type.count <= Limits.agentTypeLength, !TextSanitizer.hasControlCharacter(type) else {
                throw SCSError(code: .invalidInput, message: "An agent type is 1-\(Limits.agentTypeLength) characters, without control characters.")
            }
            let permissions = (fields["permissions"] ?? "read,write").split(separator: ",").prefix(8).map { $0.trimmingCharacters(in: .whitespaces) }
            key = try await keys.register(agentID: agentID, agentType: type, permissions: permissions).key
        case "rotate":
            guard let rotated = try await keys.rotate(agentID: agentID) else {
                throw SCSError(code: .invalidInput, message: "No registered agent with a live key is named \(agentID).")
            }
            key = rotated
        case "revoke":
            guard try await deps.storage.revokeAgent(agentID: agentID, at: deps.clock.now()) else {
                throw SCSError(code: .invalidInput, message: "No registered agent with a live key is named \(agentID).")
            }
        default:
            guard try await deps.storage.removeAgent(agentID: agentID) else {
                throw SCSError(code: .invalidInput, message: "No registered agent is named \(agentID).")
            }
        }
        deps.audit.write(NewAuditEvent(
            eventType: "agent_\(action == "register" ? "registered" : action == "remove" ? "removed" : action + "d")", agentID: viewer.identity.agentID,
            sessionID: nil, metadata: ["agent_id": .string(agentID), "via": "dashboard"], timestamp: deps.clock.now()))
        guard let key else { return Self.redirect("/ui/agents") }
        // The key is shown once, on this answer (never stored, never in a URL).
        return Self.html(Layout.page("Agent key", viewer: viewer, active: .agents, body: """
            <h1>Key of \(agentID)</h1>
            <p class="notice ok" role="status">Copy it now: it is shown only this once (the server keeps only its digest).</p>
            <pre class="value" id="agent-key">\(key)</pre>
            <p class="muted">It goes in <code>X-API-Key</code> (or <code>Authorization: Bearer</code>) instead of the API key.</p>
            <p><a href="/ui/agents">Back to the agents</a></p>
            """))
    }
}
