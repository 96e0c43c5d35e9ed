import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOPosix
import SCSAuth
import SCSCore
import SCSHTTP
import SCSStorage
import Logging
import OrderedCollections
import SCSLive

/// Sign-in, sign-out and who a request comes from (docs/DASHBOARD.md, "Sign-in").
extension Dashboard {
    static let nonceCookie = "scs_login_nonce"

    /// The login cookie's value (the `__Host-` name behind TLS, else the plain one).
    static func loginCookie(_ request: Request) -> String? { request.credentials.loginCookie }

    /// The viewer behind the request's login cookie.
    func viewer(_ request: Request) async -> Viewer? {
        guard let value = Self.loginCookie(request) else { return nil }
        return await viewer(cookie: value)
    }

    func viewer(cookie value: String) async -> Viewer? {
        guard let sealed = deps.cookie.open(value, now: deps.clock.now()) else { return nil }
        return await viewer(loginID: sealed.sessionID)
    }

    /// The viewer of a stored login: it must still exist; an operator login must have been made
    /// under the password in force; an agent's token must still resolve (a revoked token ends
    /// its logins). A login that fails these is deleted.
    func viewer(loginID: String) async -> Viewer? {
        let now = deps.clock.now()
        guard let login = try? await deps.storage.dashboardLogin(id: loginID, now: now) else { return nil }
        let csrf = deps.cookie.csrfToken(for: login.id)
        switch login.principal {
        case .admin:
            guard let fingerprint = operatorFingerprint, login.tokenDigest == fingerprint else {
                _ = try? await deps.storage.deleteDashboardLogin(id: login.id)
                return nil
            }
            return Viewer(identity: Viewer.operatorIdentity(), loginID: login.id, csrf: csrf, tokenDigest: nil, login: login)
        case .agent:
            guard let digest = login.tokenDigest, let identity = try? await deps.tokens.resolve(.bound(digest: digest)) else {
                _ = try? await deps.storage.deleteDashboardLogin(id: login.id)
                return nil
            }
            return Viewer(identity: identity, loginID: login.id, csrf: csrf, tokenDigest: digest, login: login)
        }
    }

    /// Sliding renewal: a login used after half its idle lifetime is extended (never past its
    /// absolute end) and its cookie re-issued.
    func renew(_ viewer: Viewer, _ request: Request, _ response: inout Response) async {
        let now = deps.clock.now()
        let expires = DashboardCookie.renewedExpiry(createdAt: viewer.login.createdAt, now: now)
        guard viewer.login.expiresAt - now < DashboardCookie.lifetime / 2, expires > viewer.login.expiresAt + 1,
            (try? await deps.storage.renewDashboardLogin(id: viewer.loginID, expiresAt: expires, now: now)) == true
        else { return }
        setLoginCookie(&response, request, value: deps.cookie.seal(sessionID: viewer.loginID, expiresAt: expires), maxAge: Int(expires - now))
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

    /// Password → the operator; an `sct_` token → that agent. The attempt takes its place in the
    /// throttle before its body is read; password hashing runs on NIO's blocking pool behind a
    /// bounded gate, never on the cooperative pool.
    func signIn<Context: RemoteAddressRequestContext>(_ request: Request, _ context: Context) async throws -> Response {
        guard let password = deps.password else { return Self.html(DisabledPage.render(), status: .serviceUnavailable) }
        let client = clientKey(request, context.remoteAddress)
        let attempt: LoginThrottle.Attempt
        switch deps.throttle.begin(client, now: deps.clock.now()) {
        case .refused(let wait):
            return await tooManySignIns(request, wait: wait)
        case .admitted(let admitted):
            attempt = admitted
        }
        var outcome = LoginThrottle.Outcome.abandoned
        defer { deps.throttle.finish(attempt, outcome, now: deps.clock.now()) }
        let fields = try await FormFields.read(request, limit: 16 * 1024)
        guard let nonce = fields["nonce"], nonce.count >= 16, nonce == request.cookies[Self.nonceCookie]?.value else {
            return await signInPage(request, error: "The sign-in form expired. Please try again.", status: .forbidden)
        }
        let now = deps.clock.now()
        var login: DashboardLogin?
        let id = Base64URL.encode(SecretGenerator.randomBytes(24))
        let expires = DashboardCookie.renewedExpiry(createdAt: now, now: now)
        if let candidate = fields["password"], !candidate.isEmpty {
            let matches: Bool
            do {
                matches = try await deps.passwordChecks.run {
                    try await NIOThreadPool.singleton.runIfActive { password.verify(candidate) }
                }
            } catch is ConcurrencyGate.Busy {
                var response = await signInPage(request, error: "The server is busy checking other sign-ins. Try again in a moment.",
                                                status: .serviceUnavailable)
                response.headers[.retryAfter] = "2"
                return response
            }
            if matches {
                login = DashboardLogin(id: id, principal: .admin, tokenDigest: operatorFingerprint, createdAt: now, expiresAt: expires)
            }
        } else if let token = fields["token"]?.trimmingCharacters(in: .whitespacesAndNewlines), let agent = await agent(token: token) {
            login = DashboardLogin(
                id: id, principal: .agent, agentID: agent.identity.agentID, tokenDigest: agent.digest, createdAt: now, expiresAt: expires)
        }
        guard let login else {
            outcome = .failure
            deps.logger.notice("dashboard sign-in refused", metadata: ["client": "\(client)"])
            return await signInPage(request, error: "Wrong password or token.", status: .unauthorized)
        }
        outcome = .success
        try await deps.storage.createDashboardLogin(login)
        deps.audit.write(NewAuditEvent(
            eventType: "dashboard_login", agentID: login.agentID ?? Viewer.operatorID, sessionID: nil,
            metadata: ["principal": .string(login.principal.rawValue)], timestamp: now))
        var response = Self.redirect(Self.safeNext(fields["next"]))
        setLoginCookie(&response, request, value: deps.cookie.seal(sessionID: login.id, expiresAt: expires), maxAge: Int(expires - now))
        response.setCookie(Cookie(name: Self.nonceCookie, value: "", maxAge: 0, path: "/ui", secure: secure(request), httpOnly: true, sameSite: .strict))
        return response
    }

    func tooManySignIns(_ request: Request, wait: Double) async -> Response {
        let seconds = Int(wait.rounded(.up))
        var response = await signInPage(request, error: "Too many failed sign-ins. Try again in \(seconds) seconds.", status: .tooManyRequests)
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    /// The login cookie: `__Host-scs_dashboard` when `Secure`, else `scs_dashboard`; always
    /// `Path=/`, `HttpOnly`, `SameSite=Strict`.
    func setLoginCookie(_ response: inout Response, _ request: Request, value: String, maxAge: Int) {
        let secure = secure(request)
        response.setCookie(Cookie(
            name: secure ? DashboardCookie.secureName : DashboardCookie.name, value: value, maxAge: maxAge, path: "/", secure: secure,
            httpOnly: true, sameSite: .strict))
    }

    func clearLoginCookies(_ response: inout Response, _ request: Request) {
        response.setCookie(Cookie(name: DashboardCookie.name, value: "", maxAge: 0, path: "/", secure: secure(request), httpOnly: true, sameSite: .strict))
        if secure(request) {
            response.setCookie(Cookie(name: DashboardCookie.secureName, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .strict))
        }
    }

    /// Ends the login on the server (the cookie alone is worth nothing afterwards) and closes its sockets.
    func signOut(_ request: Request) async throws -> Response {
        try await form(request) { viewer, _ in
            _ = try await deps.storage.deleteDashboardLogin(id: viewer.loginID)
            deps.events.publish(.loginEnded(id: viewer.loginID))
            await deps.events.flush()
            var response = Self.redirect("/ui/login")
            clearLoginCookies(&response, request)
            return response
        }
    }

    /// "Sign out everywhere" (the operator's password login only): every login ends, here and on
    /// every node, and their live feeds close.
    func signOutEverywhere(_ request: Request) async throws -> Response {
        try await form(request) { viewer, _ in
            guard viewer.isOperator else { return operatorOnly(viewer, "Only the operator can sign everyone out.") }
            let ended = try await deps.storage.deleteAllDashboardLogins()
            for id in ended { deps.events.publish(.loginEnded(id: id)) }
            await deps.events.flush()
            deps.audit.write(NewAuditEvent(
                eventType: "dashboard_signed_out_everywhere", agentID: Viewer.operatorID, sessionID: nil,
                metadata: ["logins": .int(Int64(ended.count))], timestamp: deps.clock.now()))
            var response = Self.redirect("/ui/login")
            clearLoginCookies(&response, request)
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

    /// `Secure` when configured, or when a trusted proxy says the request came over https.
    func secure(_ request: Request) -> Bool {
        deps.secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// Only a path of this dashboard may follow sign-in (no open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/ui/"), !next.contains("//"), !next.contains("\\"), next.utf8.count <= 512 else { return "/ui/" }
        return next
    }

    /// The throttle's key for a request: its client address (TRUSTED_PROXIES, IPv6 by /64).
    func clientKey(_ request: Request, _ address: SocketAddress?) -> String {
        ClientAddress.key(
            peer: address?.ipAddress, forwardedFor: request.headers[HTTPField.Name("X-Forwarded-For")!], trusted: deps.trustedProxies)
    }
}
