import SCSCore
import SCSMCP
import SCSStorage

/// get_usage_guidance, get_performance_metrics, get_audit_log, get_active_agents.
extension ToolCall {
    func getUsageGuidance() async -> JSONObject {
        await run("guidance_service", "get_usage_guidance") {
            let identity = try await caller()
            let type = string("guidance_type") ?? "operations"
            guard UsageGuidance.types.contains(type) else {
                throw SCSError(
                    code: .invalidGuidanceType, message: "Invalid guidance type: \(type)", severity: .warning,
                    context: ["provided_guidance_type": .string(type), "allowed_values": .array(UsageGuidance.types.map(JSONValue.string))])
            }
            let level = UsageGuidance.AccessLevel(identity)
            auditLater("usage_guidance_accessed", agentID: identity.agentID, [
                "guidance_type": .string(type), "access_level": .string(level.rawValue), "agent_type": .string(identity.agentType),
            ])
            return ToolJSON.ok([
                "access_level": .string(level.rawValue),
                "agent_info": [
                    "agent_id": .string(identity.agentID), "agent_type": .string(identity.agentType),
                    "permissions": .array(identity.permissionNames.map(JSONValue.string)), "expires_at": .null,
                    "can_refresh": .bool(identity.authenticated),
                ],
                "guidance": .object(UsageGuidance.guidance(type, level)),
                "examples": ["typical_workflow": .array(UsageGuidance.workflow(type, level).map(JSONValue.string))],
                "guidance_type": .string(type), "generated_at": .string(nowISO),
            ])
        }
    }

    func getPerformanceMetrics() async -> JSONObject {
        await run("performance_monitoring", "get_performance_metrics") {
            let identity = try await caller()
            try requireAdmin(identity)
            let size = (try? await env.storage.sizeBytes()) ?? 0
            let migrations = (try? await env.storage.appliedMigrations()) ?? []
            return ToolJSON.ok([
                "timestamp": .string(nowISO), "uptime_s": .double(Self.rounded(now - env.startedAt, 1000)),
                "tools": .object(env.metrics.snapshot()),
                "workers": .array(await env.workerStatus()),
                "database": [
                    "backend": .string(env.storage.backendName), "size_bytes": .int(size),
                    "migrations_applied": .int(Int64(migrations.count)), "health_status": "healthy",
                ],
                "live": [
                    "sse_streams": .int(Int64(env.hub.openStreamCount)), "waiting_long_polls": .int(Int64(env.events.waiterCount)),
                ],
                "database_backend": .string(env.storage.backendName), "migration_status": "complete",
                "requesting_agent": .string(identity.agentID), "request_timestamp": .string(nowISO),
            ])
        }
    }

    func getAuditLog() async -> JSONObject {
        await run("database", "get_audit_log") {
            let identity = try await caller()
            try requireAdmin(identity)
            var since: Double?
            if let text = optional("since") {
                guard let parsed = Self.parseTime(text) else { throw Self.invalidDatetime }
                since = parsed
            }
            let events = try await env.storage.auditEvents(AuditQuery(
                agentID: optional("agent_id"), sessionID: optional("session_id"), eventType: optional("event_type"), since: since,
                limit: int("limit") ?? 100))
            let rows: [JSONValue] = events.map { event in
                [
                    "id": .int(event.id), "timestamp": .string(Timestamp.iso(event.timestamp)), "event_type": .string(event.eventType),
                    "agent_id": .string(event.agentID), "session_id": .string(event.sessionID),
                    "metadata": event.metadata.map(JSONValue.object) ?? .null,
                ]
            }
            return ToolJSON.ok(["events": .array(rows), "count": .int(Int64(rows.count))])
        }
    }

    func getActiveAgents() async -> JSONObject {
        await run("database", "get_active_agents") {
            let sessionID = string("session_id") ?? ""
            let identity = try await caller(on: sessionID)
            _ = try await session(sessionID)
            let since = now - Double(int("window_seconds") ?? 300)
            let active = try await env.storage.activeAgents(sessionID: sessionID, since: since)
            let counts = try await env.storage.visibleMessageCounts(sessionID: sessionID, since: since, reader: identity)
            let agents: [JSONValue] = active.map { agent in
                [
                    "agent_id": .string(agent.agentID), "agent_type": .string(agent.agentType),
                    "last_seen": .string(Timestamp.iso(agent.lastSeen)), "message_count": .int(Int64(counts[agent.agentID] ?? 0)),
                ]
            }
            return ToolJSON.ok(["agents": .array(agents), "count": .int(Int64(agents.count))])
        }
    }
}
