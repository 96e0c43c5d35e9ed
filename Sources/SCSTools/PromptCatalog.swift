import Foundation
public import SCSMCP
import SCSCore
import SCSStorage
import OrderedCollections

/// The two prompts, as proper prompt messages (docs/CONTRACT.md §7).
public enum PromptCatalog {
    public static func prompts(_ env: ToolEnvironment) -> [PromptDefinition] {
        [
            PromptDefinition(
                name: "setup-collaboration", description: "A playbook to set up a multi-agent collaboration session",
                arguments: [
                    PromptArgument(name: "purpose", description: "What the agents work on", required: true),
                    PromptArgument(name: "expert_roles", description: "Comma-separated roles, e.g. architect,reviewer", required: true),
                    PromptArgument(name: "collaboration_type", description: "committee, debate or peer-review (default committee)", required: false),
                    PromptArgument(name: "session_id", description: "An existing session to use", required: false),
                    PromptArgument(name: "iteration_rounds", description: "Rounds, 1-10 (default 3)", required: false),
                    PromptArgument(name: "project_name", description: "Project name", required: false),
                ],
                handler: { arguments, _ in setupCollaboration(arguments, now: env.clock.now()) }),
            PromptDefinition(
                name: "debug-session", description: "Diagnose a session: activity per visibility and sender, recent messages",
                arguments: [PromptArgument(name: "session_id", description: "The session to diagnose", required: true)],
                handler: { arguments, client in await debugSession(arguments["session_id"] ?? "", env: env, client: client) }),
        ]
    }

    static func setupCollaboration(_ arguments: [String: String], now: Double) -> String {
        let roles = (arguments["expert_roles"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !roles.isEmpty else { return "Error: At least one expert role must be specified." }
        let purpose = arguments["purpose"] ?? ""
        let type = arguments["collaboration_type"].flatMap { $0.isEmpty ? nil : $0 } ?? "committee"
        let rounds = Int(arguments["iteration_rounds"] ?? "").flatMap { (1...10).contains($0) ? $0 : nil } ?? 3
        let stamp = Int(now)
        var lines = [
            "# Multi-agent collaboration: \(purpose)", "",
            "Type: \(type) · \(roles.count) experts · \(rounds) rounds" + (arguments["project_name"].map { " · project \($0)" } ?? ""), "",
            "## 1. Authenticate", "- Orchestrator: `authenticate_agent(agent_id=\"orchestrator_main_\(stamp)\", agent_type=\"admin\", requested_permissions=[\"read\",\"write\",\"admin\"])`",
        ]
        for (index, role) in roles.enumerated() {
            let snake = role.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            lines.append("- \(role): `authenticate_agent(agent_id=\"agent_\(snake)_\(String(format: "%03d", index + 1))\", agent_type=\"claude\")`")
        }
        lines += ["", "## 2. Session"]
        if let session = arguments["session_id"], !session.isEmpty {
            lines.append("Using Existing Session: `\(session)`")
        } else {
            lines.append("`create_session(purpose=\"\(purpose)\", metadata={\"collaboration_type\": \"\(type)\", \"iteration_rounds\": \(rounds), \"conversation_pattern\": \"iterative_dialogue\"})`")
        }
        lines += [
            "", "## 3. Rounds (explain → question → refine)",
            "Each round: every expert posts its analysis with `add_message`, reads the others with `wait_for_messages`, questions them, and refines.",
            "", "## 4. Quality indicators", "- Every expert contributed each round", "- Disagreements are resolved or recorded", "- The orchestrator posts a final summary",
        ]
        return lines.joined(separator: "\n")
    }

    static func debugSession(_ sessionID: String, env: ToolEnvironment, client: MCPClientContext) async -> String {
        let call = ToolCall(env: env, invocation: ToolInvocation(arguments: [:], client: client))
        guard let identity = try? await call.caller(nil), let session = try? await env.storage.session(id: sessionID),
              let page = try? await env.storage.messages(MessageQuery(sessionID: sessionID, order: .descending, limit: 1_000), reader: identity)
        else { return "❌ Session not found: \(sessionID) (or it cannot be read with your identity)" }
        let messages = page.messages
        var byVisibility: [String: Int] = [:]
        var bySender: [String: Int] = [:]
        for message in messages {
            byVisibility[message.visibility.rawValue, default: 0] += 1
            bySender[message.sender, default: 0] += 1
        }
        let status = messages.isEmpty ? "Inactive Session" : bySender.count == 1 ? "Single Agent Activity" : "Active Multi-Agent Session"
        var lines = [
            "# Session diagnosis: \(sessionID)", "", "Purpose: \(session.purpose)", "Created by: \(session.createdBy)",
            "Status: \(status)" + (session.isClosed ? " (closed)" : ""), "Messages you can see: \(messages.count)", "", "## By visibility",
        ]
        lines += byVisibility.keys.sorted().map { "- \($0): \(byVisibility[$0]!)" }
        lines += ["", "## By sender"] + bySender.keys.sorted().map { "- \($0): \(bySender[$0]!)" }
        lines += ["", "## Recent messages"]
        lines += messages.prefix(3).map { "- [\($0.visibility.rawValue)] \($0.sender): \(String($0.content.prefix(100)))" }
        lines += ["", "## Troubleshooting", "- Nobody answers: check get_active_agents", "- Missing messages: check visibility and your token"]
        return lines.joined(separator: "\n")
    }
}
