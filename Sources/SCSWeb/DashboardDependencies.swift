public import Logging
public import SCSAuth
public import SCSCore
public import SCSMCP
public import SCSStorage
public import SCSLive
import Foundation
import OrderedCollections

/// A worker as the health page lists it.
public struct DashboardWorker: Sendable {
    public var role: String
    public var slot: Int
    public var pid: Int32?
    public var state: String
    public var restarts: Int
    public var uptime: Double
    public var inFlight: Int
    public var lastError: String?

    public init(role: String, slot: Int, pid: Int32?, state: String, restarts: Int, uptime: Double, inFlight: Int, lastError: String?) {
        self.role = role
        self.slot = slot
        self.pid = pid
        self.state = state
        self.restarts = restarts
        self.uptime = uptime
        self.inFlight = inFlight
        self.lastError = lastError
    }
}

/// What the dashboard and its live feed need from the rest of the server (wired by
/// `ServerApplication`; docs/DASHBOARD.md).
public struct DashboardDependencies: Sendable {
    public var storage: any DashboardStore
    public var tokens: TokenService
    public var events: SessionEvents
    /// The composer posts through `tools/call add_message`, the path every agent's post takes.
    public var server: MCPServer
    public var audit: AuditWriter
    /// Nil: the dashboard is off and `/ui/` says how to turn it on.
    public var password: DashboardPassword?
    public var cookie: DashboardCookie
    public var throttle: LoginThrottle
    /// Set the cookie's `Secure` attribute on every response (`DASHBOARD_SECURE_COOKIE`); it is
    /// also set when a proxy says the request came over https.
    public var secureCookies: Bool
    /// Browser origins allowed besides the server's own (`CORS_ORIGINS`), for the WebSocket.
    public var allowedOrigins: [String]
    /// The API key, shown on the Connect page to an admin who asks for it.
    public var apiKey: String
    public var workers: @Sendable () async -> [DashboardWorker]
    public var restart: @Sendable (String) async throws -> Void
    public var health: @Sendable () async -> JSONValue
    public var clock: any WallClock
    public var logger: Logger
    public var version: String
    /// Proxies whose `X-Forwarded-For` names the client (the sign-in throttle's key).
    public var trustedProxies = TrustedProxies.none
    /// `IDENTITY_MODE`, shown beside the registered agents.
    public var identityMode = IdentityMode.open
    /// Host names the dashboard answers to (`DASHBOARD_HOSTS`; empty: any).
    public var dashboardHosts: [String] = []
    /// Password checks (scrypt) at once, and waiting; more are refused with 503.
    public var passwordChecks = ConcurrencyGate(limit: 2, maximumWaiting: 8)
    /// Page renders at once, and waiting: at most half the cores render, so `/mcp` and `/health`
    /// always have threads of the cooperative pool.
    public var renders = ConcurrencyGate(limit: max(1, ProcessInfo.processInfo.activeProcessorCount / 2), maximumWaiting: 64)

    public init(
        storage: any DashboardStore, tokens: TokenService, events: SessionEvents, server: MCPServer, audit: AuditWriter,
        password: DashboardPassword?, cookie: DashboardCookie, throttle: LoginThrottle = LoginThrottle(), secureCookies: Bool,
        allowedOrigins: [String], apiKey: String, workers: @escaping @Sendable () async -> [DashboardWorker],
        restart: @escaping @Sendable (String) async throws -> Void, health: @escaping @Sendable () async -> JSONValue,
        clock: any WallClock, logger: Logger, version: String
    ) {
        self.storage = storage
        self.tokens = tokens
        self.events = events
        self.server = server
        self.audit = audit
        self.password = password
        self.cookie = cookie
        self.throttle = throttle
        self.secureCookies = secureCookies
        self.allowedOrigins = allowedOrigins
        self.apiKey = apiKey
        self.workers = workers
        self.restart = restart
        self.health = health
        self.clock = clock
        self.logger = logger
        self.version = version
    }
}

/// Who is signed in: an operator (the admin view) or an agent (what that agent may see).
struct Viewer: Sendable {
    var identity: AgentIdentity
    var loginID: String
    var csrf: String
    /// The digest of the token an agent signed in with (nil for the operator).
    var tokenDigest: String?
    /// The stored login (its creation and expiry drive sliding renewal).
    var login: DashboardLogin

    /// Sees everything (the operator, or an agent whose token carries `admin`).
    var isAdmin: Bool { identity.isAdmin }
    /// Signed in with the operator's password: only this login may reveal the API key, restart
    /// workers or sign everyone out; an agent's admin token may not.
    var isOperator: Bool { tokenDigest == nil && login.principal == .admin }
    var name: String { isOperator ? "operator" : identity.agentID }

    /// The id the operator posts as. `authenticate_agent` refuses ids with this prefix, so no
    /// agent can claim it and read the operator's private posts (docs/DASHBOARD.md, "Sign-in").
    static let operatorID = AgentIdentity.reservedOperatorID

    /// The operator's identity: the admin view, posting as a human.
    static func operatorIdentity() -> AgentIdentity {
        AgentIdentity(agentID: operatorID, agentType: "human", permissions: [.read, .write, .admin])
    }
}

/// Holds the API key: never described field by field (ServiceLifecycle logs its services).
extension DashboardDependencies: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "DashboardDependencies(dashboard \(password == nil ? "off" : "on"))" }
    public var debugDescription: String { description }
}
