public import Logging
public import SCSStorage
public import ServiceLifecycle
import SCSTools
import SCSMCP
import SCSCore
import SCSAuth

/// Housekeeping while serving: purges expired tokens, audit rows past retention and idle MCP
/// sessions every `interval`; on shutdown ends every open SSE stream so the HTTP server can drain.
public struct HousekeepingService: Service {
    let application: ServerApplication
    let storage: any HousekeepingStore
    let retentionDays: Double
    let interval: Duration
    let logger: Logger

    public init(application: ServerApplication, storage: any HousekeepingStore, retentionDays: Double, interval: Duration = .seconds(60), logger: Logger) {
        self.application = application
        self.storage = storage
        self.retentionDays = retentionDays
        self.interval = interval
        self.logger = logger
    }

    public func sweep() async {
        do {
            let tokens = try await application.environment.tokens.sweep()
            let audit = try await storage.deleteAudit(before: application.environment.clock.now() - retentionDays * 86_400)
            let ended = try await application.sessions.sweep()
            // Subscriptions and streams of sessions that ended (swept here, or on another path).
            let hub = application.server.hub
            for id in ended { hub.endSession(id) }
            for id in hub.sessionIDs where try await application.sessions.lookup(id) == nil { hub.endSession(id) }
            let activity = try await storage.deleteActivity(before: application.environment.clock.now() - 86_400 * 2)
            let logins = try await storage.deleteExpiredDashboardLogins(now: application.environment.clock.now())
            if tokens + audit + ended.count + activity + logins > 0 {
                logger.info("housekeeping", metadata: [
                    "tokens_purged": "\(tokens)", "audit_rows_purged": "\(audit)", "mcp_sessions_purged": "\(ended.count)",
                    "activity_rows_purged": "\(activity)", "dashboard_logins_purged": "\(logins)",
                ])
            }
        } catch {
            logger.warning("housekeeping failed", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                await sweep()
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        } onGracefulShutdown: {
            application.server.hub.closeAll()
        }
    }
}

/// ServiceLifecycle logs each service: by name only, never the application's fields.
extension HousekeepingService: CustomStringConvertible {
    public var description: String { "HousekeepingService" }
}
