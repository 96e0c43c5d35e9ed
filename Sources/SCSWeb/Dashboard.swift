import Foundation
public import Hummingbird
import HTTPTypes
import NIOCore
import SCSCore
import Logging
import OrderedCollections
import SCSAuth
import SCSLive
import SCSStorage

/// The web dashboard under `/ui/` (docs/DASHBOARD.md): server-rendered pages, escaped by default,
/// with a little plain JavaScript beside them; assets live in the binary. Every page needs a
/// signed-in viewer, and every response carries a strict CSP.
public struct Dashboard: Sendable {
    let deps: DashboardDependencies
    /// What operator logins record of the password in force (nil: the dashboard is off).
    let operatorFingerprint: String?

    public init(_ dependencies: DashboardDependencies) {
        deps = dependencies
        operatorFingerprint = dependencies.password.map(dependencies.cookie.operatorFingerprint)
    }

    /// Largest form body a page accepts (the composer's message is the largest field).
    static let maxFormBytes = 512 * 1024

    public func register<Context: RemoteAddressRequestContext>(on router: Router<Context>) {
        let ui = router.group("ui").add(middleware: DashboardGuard(dashboard: self))
        ui.get("static/:file") { _, context in try Self.asset(context.parameters.require("file")) }
        ui.get("login") { request, _ in await signInPage(request, error: nil) }
        ui.post("login") { request, context in try await signIn(request, context) }
        ui.post("logout") { request, _ in try await signOut(request) }
        ui.post("logout-everywhere") { request, _ in try await signOutEverywhere(request) }
        ui.get("/") { request, _ in
            // `/ui` and `/ui/` reach the same route; the list lives at `/ui/` (relative links work there).
            guard request.uri.path.hasSuffix("/") else { return Self.redirect("/ui/", status: .movedPermanently) }
            return try await page(request) { viewer in try await sessionsPage(request, viewer) }
        }
        ui.get("sessions/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await page(request) { viewer in try await sessionPage(request, id: id, viewer) }
        }
        ui.get("sessions/:id/messages") { request, context in
            let id = try context.parameters.require("id")
            // Fetched by the page's script: without a login it answers 401, not the sign-in page.
            return try await page(request, fragment: true) { viewer in try await messagesFragment(request, id: id, viewer) }
        }
        ui.post("sessions/:id/messages") { request, context in
            let id = try context.parameters.require("id")
            return try await form(request) { viewer, fields in try await post(id: id, fields: fields, viewer) }
        }
        ui.get("memory") { request, _ in try await page(request) { viewer in try await memoryPage(request, viewer) } }
        ui.get("memory/value") { request, _ in try await page(request) { viewer in try await memoryValue(request, viewer) } }
        ui.get("agents") { request, _ in try await page(request) { viewer in try await agentsPage(viewer) } }
        for action in ["register", "rotate", "revoke", "remove"] {
            ui.post("agents/\(action)") { request, _ in
                try await form(request) { viewer, fields in try await changeRegisteredAgent(action, fields: fields, viewer) }
            }
        }
        ui.get("health") { request, _ in try await page(request) { viewer in await healthPage(request, viewer) } }
        ui.post("workers/restart") { request, _ in
            try await form(request) { viewer, fields in try await restartWorker(fields: fields, viewer) }
        }
        ui.get("audit") { request, _ in try await page(request) { viewer in try await auditPage(request, viewer) } }
        ui.get("connect") { request, _ in try await page(request) { viewer in connectPage(request, viewer) } }
        ui.post("api-key") { request, _ in try await form(request) { viewer, _ in revealKey(viewer) } }
    }

    /// A page refused to anyone but the operator's password login.
    func operatorOnly(_ viewer: Viewer, _ message: String) -> Response {
        Self.html(Layout.page("Refused", viewer: viewer, active: nil, body: Layout.errorBox(message)), status: .forbidden)
    }

    // MARK: Responses

    /// The headers on every dashboard response: a CSP without inline script, no framing, no referrer.
    static func securityHeaders(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
    }

    static func html(_ body: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        securityHeaders(&headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.text)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        securityHeaders(&headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.compactBytes)))
    }

    static func redirect(_ location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        securityHeaders(&headers)
        return Response(status: status, headers: headers)
    }

    static func asset(_ name: String) throws -> Response {
        guard let asset = DashboardAssets.files[name] else { throw HTTPError(.notFound) }
        var headers: HTTPFields = [.contentType: asset.type, .cacheControl: "public, max-age=300"]
        securityHeaders(&headers)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: asset.body)))
    }

    /// A signed-in page: without a viewer, the sign-in page (or how to turn the dashboard on), or
    /// 401 for a fragment the page's script fetches. Renders pass a bounded gate (503 when it is
    /// full), and a login in use is renewed.
    func page(_ request: Request, fragment: Bool = false, _ render: (Viewer) async throws -> Response) async throws -> Response {
        guard deps.password != nil else { return Self.html(DisabledPage.render(), status: .serviceUnavailable) }
        guard let viewer = await viewer(request) else {
            if fragment { return Self.html("Signed out.", status: .unauthorized) }
            let target = request.uri.path.hasPrefix("/ui/") ? "?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : ""
            return Self.redirect("/ui/login" + target, status: .found)
        }
        let started = ContinuousClock.now
        do {
            var response = try await deps.renders.run { try await render(viewer) }
            // How long the page took to gather and render (docs/DASHBOARD.md; scripts/bench reads it).
            let elapsed = (ContinuousClock.now - started) / .microseconds(1)
            response.headers[HTTPField.Name("Server-Timing")!] = "render;dur=" + String(format: "%.3f", elapsed / 1000)
            await renew(viewer, request, &response)
            return response
        } catch is ConcurrencyGate.Busy {
            var response = Self.html(Layout.page("Busy", viewer: viewer, active: nil, body: Layout.errorBox(
                "The dashboard is busy rendering other pages. Try again in a moment.")), status: .serviceUnavailable)
            response.headers[.retryAfter] = "1"
            return response
        } catch let error as SCSError {
            let status: HTTPResponse.Status = error.code == .sessionNotFound || error.code == .messageNotFound ? .notFound : .badRequest
            return Self.html(Layout.page("Error", viewer: viewer, active: nil, body: Layout.errorBox(error.message)), status: status)
        }
    }

    /// A form post that changes something: signed in, and carrying the viewer's CSRF token.
    func form(_ request: Request, _ act: (Viewer, FormFields) async throws -> Response) async throws -> Response {
        guard deps.password != nil else { return Self.html(DisabledPage.render(), status: .serviceUnavailable) }
        guard let viewer = await viewer(request) else { return Self.html("Sign in first.", status: .unauthorized) }
        let fields = try await FormFields.read(request, limit: Self.maxFormBytes)
        guard deps.cookie.checkCSRF(fields["csrf"], for: viewer.loginID) else {
            return Self.html(Layout.page("Refused", viewer: viewer, active: nil, body: Layout.errorBox(
                "This form is out of date or did not come from this dashboard. Reload the page and try again.")), status: .forbidden)
        }
        do {
            return try await act(viewer, fields)
        } catch let error as SCSError {
            return Self.html(Layout.page("Error", viewer: viewer, active: nil, body: Layout.errorBox(error.message)), status: .badRequest)
        }
    }
}

/// The fields of an `application/x-www-form-urlencoded` body (last value wins).
struct FormFields: Sendable {
    var values: [String: String] = [:]

    subscript(_ name: String) -> String? { values[name] }

    static func read(_ request: Request, limit: Int) async throws -> FormFields {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            throw HTTPError(.contentTooLarge, message: "The form is larger than \(limit / 1024) KiB.")
        }
        return parse(String(buffer: body))
    }

    /// The request's query string, decoded as a form (`+` is a space, as browsers send it).
    static func query(_ request: Request) -> FormFields { parse(request.uri.query ?? "") }

    static func parse(_ text: String) -> FormFields {
        var fields = FormFields()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let name = parts.first.map(decode), !name.isEmpty else { continue }
            fields.values[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
