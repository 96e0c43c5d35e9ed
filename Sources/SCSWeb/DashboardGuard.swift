import Hummingbird
import HTTPTypes

/// In front of every `/ui` route (docs/DASHBOARD.md, "Requests"):
/// - with `DASHBOARD_HOSTS` set, a request for another `Host` is refused (DNS rebinding: a page
///   on an attacker's name that resolves to this machine cannot read the dashboard);
/// - a POST (sign-in included) must come from this dashboard's own pages: a browser's
///   `Sec-Fetch-Site` must say `same-origin` and its `Origin`, when sent, must be this host.
struct DashboardGuard<Context: RequestContext>: RouterMiddleware {
    let dashboard: Dashboard

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard dashboard.hostAllowed(request) else {
            return Dashboard.html("This dashboard does not answer to that host name.", status: .misdirectedRequest)
        }
        if request.method == .post, !dashboard.sameOrigin(request) {
            return Dashboard.html("Refused: this form did not come from this dashboard.", status: .forbidden)
        }
        return try await next(request, context)
    }
}

extension Dashboard {
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// Whether the request's `Host` is one the dashboard answers to.
    func hostAllowed(_ request: Request) -> Bool {
        guard !deps.dashboardHosts.isEmpty else { return true }
        return deps.dashboardHosts.contains(LinkPolicy.hostName(authority: request.head.authority ?? ""))
    }

    /// Whether a browser says the request came from this dashboard's own pages (a client that
    /// is not a browser sends neither header; the CSRF token still guards its forms).
    func sameOrigin(_ request: Request) -> Bool {
        // `Sec-Fetch-Site` is set by the browser and no page can forge it: when sent, it decides.
        // (Pages here are `Referrer-Policy: no-referrer`, so a browser's own form posts carry
        // `Origin: null`.)
        if let site = request.headers[Self.fetchSite] { return site.lowercased() == "same-origin" }
        guard let origin = request.headers[.origin] else { return true }
        return Self.isOwnOrigin(origin, request)
    }

    /// Whether `origin` is the page's own: this request's host and port, over http or https.
    static func isOwnOrigin(_ origin: String, _ request: Request) -> Bool {
        let (origin, host) = (origin.lowercased(), (request.head.authority ?? "").lowercased())
        return !host.isEmpty && (origin == "http://" + host || origin == "https://" + host)
    }

    /// Links in messages to this dashboard's host (any port) or to this machine render inert.
    func linkPolicy(_ request: Request) -> LinkPolicy {
        LinkPolicy(ownHosts: [request.head.authority ?? ""] + deps.dashboardHosts)
    }
}
