import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import SCSAuth
import SCSCore
import SCSStorage
import Logging
import OrderedCollections
import SCSTools

/// Sign-in, sign-out and who a request comes from (docs/DASHBOARD.md, "Sign-in").
extension Dashboard {
    static let nonceCookie = "scs_login_nonce"

    /// The viewer behind the request's login cookie: the login must still exist, and an agent's
    /// token must still resolve (a revoked token signs its logins out).
    func viewer(_ request: Request) async -> Viewer? {
        guard let value = request.cookies[DashboardCookie.name]?.value else { return nil }
        return await viewer(cookie: value)
    }

    func viewer(cookie value: String) async -> Viewer? {
        let now = deps.clock.now()
        guard let sealed = deps.cookie.open(value, now: now),
            let login = try? await deps.storage.dashboardLogin(id: sealed.sessionID, now: now)
        else { return nil }
        let csrf = deps.cookie.csrfToken(for: login.id)
        switch login.principal {
        case .admin:
            guard deps.password != nil else { return nil }
            return Viewer(identity: Viewer.operatorIdentity(), loginID: login.id, csrf: csrf, tokenDigest: nil)
        case .agent:
            guard let digest = login.tokenDigest, let identity = try? await deps.tokens.resolve(.bound(digest: digest)) else {
                _ = try? await deps.storage.deleteDashboardLogin(id: login.id)
                return nil
            }
            return Viewer(identity: identity, loginID: login.id, csrf: csrf, tokenDigest: digest)
        }
    }

    func signInPage(_ request: Request, error: String?, status: HTTPResponse.Status = .ok) async -> Response {
        guard deps.password != nil else { return Self.html(DisabledPage.render(), status: .serviceUnavailable) }
        let nonce = Base64URL.encode(SecretGenerator.randomBytes(18))
        let next = Self.safeNext(FormFields.query(request)["next"])
        var response = Self.html(SignInPage.render(nonce: nonce, next: next, error: error), status: status)
        response.setCookie(Cookie(
            name: Self.nonceCookie, value: nonce, maxAge: 900, path: "/ui", secure: secure(request), httpOnly: true, sameSite: .strict))
        return response
    }

    /// Password → the operator; an `sct_` token → that agent. Failures count against the client's
    /// address; past the limit every attempt is refused until the window passes.
    func signIn<Context: RemoteAddressRequestContext>(_ request: Request, _ context: Context) async throws -> Response {
        guard let password = deps.password else { return Self.html(DisabledPage.render(), status: .serviceUnavailable) }
        let client = Self.clientKey(context.remoteAddress)
        let now = deps.clock.now()
        let wait = deps.throttle.retryAfter(client, now: now)
        if wait > 0 {
            var response = await signInPage(request, error: "Too many failed sign-ins. Try again in \(Int(wait.rounded(.up))) seconds.", status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        let fields = try await FormFields.read(request, limit: 16 * 1024)
        guard let nonce = fields["nonce"], nonce.count >= 16, nonce == request.cookies[Self.nonceCookie]?.value else {
            return await signInPage(request, error: "The sign-in form expired. Please try again.", status: .forbidden)
        }
        var login: DashboardLogin?
        let id = Base64URL.encode(SecretGenerator.randomBytes(24))
        let expires = now + DashboardCookie.lifetime
        if let candidate = fields["password"], !candidate.isEmpty {
            if password.verify(candidate) { login = DashboardLogin(id: id, principal: .admin, createdAt: now, expiresAt: expires) }
        } else if let token = fields["token"]?.trimmingCharacters(in: .whitespacesAndNewlines), let agent = await agent(token: token) {
            login = DashboardLogin(
                id: id, principal: .agent, agentID: agent.identity.agentID, tokenDigest: agent.digest, createdAt: now, expiresAt: expires)
        }
        guard let login else {
            deps.throttle.recordFailure(client, now: now)
            deps.logger.notice("dashboard sign-in refused", metadata: ["client": "\(client)"])
            return await signInPage(request, error: "Wrong password or token.", status: .unauthorized)
        }
        deps.throttle.recordSuccess(client)
        try await deps.storage.createDashboardLogin(login)
        deps.audit.write(NewAuditEvent(
            eventType: "dashboard_login", agentID: login.agentID ?? "admin", sessionID: nil,
            metadata: ["principal": .string(login.principal.rawValue)], timestamp: now))
        var response = Self.redirect(Self.safeNext(fields["next"]))
        response.setCookie(Cookie(
            name: DashboardCookie.name, value: deps.cookie.seal(sessionID: login.id, expiresAt: expires),
            maxAge: Int(DashboardCookie.lifetime), path: "/", secure: secure(request), httpOnly: true, sameSite: .strict))
        response.setCookie(Cookie(name: Self.nonceCookie, value: "", maxAge: 0, path: "/ui", secure: secure(request), httpOnly: true, sameSite: .strict))
        return response
    }

    /// Ends the login on the server (the cookie alone is worth nothing afterwards) and closes its sockets.
    func signOut(_ request: Request) async throws -> Response {
        try await form(request) { viewer, _ in
            _ = try await deps.storage.deleteDashboardLogin(id: viewer.loginID)
            deps.events.publish(.loginEnded(id: viewer.loginID))
            await deps.events.flush()
            var response = Self.redirect("/ui/login")
            response.setCookie(Cookie(name: DashboardCookie.name, value: "", maxAge: 0, path: "/", secure: secure(request), httpOnly: true, sameSite: .strict))
            return response
        }
    }

    /// The agent behind an `sct_` token (raw JWTs do not sign in here), and the token's digest.
    func agent(token: String) async -> (identity: AgentIdentity, digest: String)? {
        guard token.hasPrefix("sct_"), token.utf8.count <= Limits.tokenLength,
            let identity = try? await deps.tokens.resolve(.presented(token)), identity.authenticated
        else { return nil }
        return (identity, TokenCredential.presented(token).digest)
    }

    /// `Secure` when configured, or when a proxy in front says the request came over https.
    func secure(_ request: Request) -> Bool {
        deps.secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// Only a path of this dashboard may follow sign-in (no open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/ui/"), !next.contains("//"), !next.contains("\\"), next.utf8.count <= 512 else { return "/ui/" }
        return next
    }

    static func clientKey(_ address: SocketAddress?) -> String {
        address?.ipAddress ?? "local"
    }
}
