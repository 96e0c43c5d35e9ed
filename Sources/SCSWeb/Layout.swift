import Foundation
import SCSCore
import Logging
import OrderedCollections
import SCSAuth
import SCSLive
import SCSStorage

/// The page shell every dashboard page shares: navigation, the viewer, the theme switch.
enum Layout {
    enum Section: String, CaseIterable {
        case sessions, memory, agents, health, audit, connect

        var title: String {
            switch self {
            case .sessions: "Sessions"
            case .memory: "Memory"
            case .agents: "Agents"
            case .health: "Workers & health"
            case .audit: "Audit log"
            case .connect: "Connect"
            }
        }

        var path: String { self == .sessions ? "/ui/" : "/ui/\(rawValue)" }
        var adminOnly: Bool { self == .audit }
    }

    static func page(_ title: String, viewer: Viewer?, active: Section?, body: HTML, extraBodyAttributes: HTML = .empty) -> HTML {
        let nav: HTML
        if let viewer {
            let links = Section.allCases.filter { !$0.adminOnly || viewer.isAdmin }.map { section -> HTML in
                let current: HTML = section == active ? " aria-current=\"page\"" : ""
                return "<a href=\"\(section.path)\"\(current)>\(section.title)</a>"
            }
            let role: HTML = viewer.isAdmin ? "<span class=\"badge admin\">admin</span>" : "<span class=\"badge\">agent</span>"
            nav = """
                <nav class="top" aria-label="Main">\(links)</nav>
                <div class="who"><span class="name" id="viewer-name">\(viewer.name)</span> \(role)
                <form method="post" action="/ui/logout" class="inline"><input type="hidden" name="csrf" value="\(viewer.csrf)">
                <button type="submit" class="link" id="sign-out">Sign out</button></form></div>
                """
        } else {
            nav = .empty
        }
        let csrf: HTML = viewer.map { "<meta name=\"csrf-token\" content=\"\($0.csrf)\">" } ?? .empty
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · shared-context-server</title>\(csrf)
            <link rel="stylesheet" href="/ui/static/app.css">
            <link rel="icon" href="/ui/static/logo.svg" type="image/svg+xml">
            <script src="/ui/static/app.js" defer></script>
            </head><body\(extraBodyAttributes)>
            <header class="bar"><a class="brand" href="/ui/"><img src="/ui/static/logo.svg" alt="" width="22" height="22"> scs</a>
            \(nav)<button type="button" class="theme" id="theme-toggle" aria-label="Switch light or dark theme">◐</button></header>
            <main>\(body)</main>
            </body></html>
            """
    }

    static func errorBox(_ message: String) -> HTML { "<p class=\"notice error\" role=\"alert\">\(message)</p>" }

    /// A time shown as UTC, with the raw value for the script's "3 min ago".
    static func time(_ seconds: Double) -> HTML {
        let iso = Timestamp.iso(seconds)
        let shown = String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ") + " UTC"
        return "<time datetime=\"\(iso)\" title=\"\(shown)\">\(shown)</time>"
    }

    /// "Newer/older" links for a list shown `size` at a time.
    static func pager(path: String, query: [(String, String)], page: Int, size: Int, total: Int) -> HTML {
        let pages = max(1, (total + size - 1) / size)
        guard pages > 1 else { return .empty }
        func link(_ target: Int, _ label: String) -> HTML {
            var items = URLComponents()
            items.queryItems = (query + [("page", String(target))]).filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
            return "<a href=\"\(path + "?" + (items.percentEncodedQuery ?? ""))\">\(label)</a>"
        }
        let previous: HTML = page > 1 ? link(page - 1, "← Previous") : "<span></span>"
        let next: HTML = page < pages ? link(page + 1, "Next →") : "<span></span>"
        return "<nav class=\"pager\" aria-label=\"Pages\">\(previous)<span>Page \(page) of \(pages) · \(total) in all</span>\(next)</nav>"
    }

    /// A positive page number from the query (1 when absent or nonsense), bounded.
    static func pageNumber(_ raw: String?) -> Int {
        guard let raw, let value = Int(raw.prefix(7)), value >= 1 else { return 1 }
        return min(value, 100_000)
    }

    static func visibilityBadge(_ visibility: Visibility) -> HTML {
        "<span class=\"vis vis-\(visibility.rawValue)\">\(visibility.rawValue.replacingOccurrences(of: "_", with: " "))</span>"
    }

    /// A JSON value shown compactly, cut at `limit` characters.
    static func preview(_ value: JSONValue, limit: Int = 120) -> String {
        let text = value.stringValue ?? value.compactText
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

/// The page shown when no dashboard password is configured: how to turn it on, and no data.
enum DisabledPage {
    static func render() -> HTML {
        Layout.page("Dashboard off", viewer: nil, active: nil, body: """
            <section class="card narrow"><h1>The dashboard is off</h1>
            <p>No dashboard password is configured, so this server shows no data here.</p>
            <p>To turn it on, store a password's hash in the env file and restart <code>scs serve</code>:</p>
            <pre><code>scs setup --admin-password</code></pre>
            <p>or set <code>ADMIN_PASSWORD</code> (at least 12 characters) in the environment. The operator signs in with
            that password and sees everything; an agent signs in with its <code>sct_</code> token and sees what it may see.</p>
            </section>
            """)
    }
}

/// The sign-in form: the operator's password, or an agent's token.
enum SignInPage {
    static func render(nonce: String, next: String, error: String?) -> HTML {
        let alert: HTML = error.map { Layout.errorBox($0) } ?? .empty
        return Layout.page("Sign in", viewer: nil, active: nil, body: """
            <section class="card narrow"><h1>Sign in</h1>\(alert)
            <form method="post" action="/ui/login" class="stack" id="password-form">
            <input type="hidden" name="nonce" value="\(nonce)"><input type="hidden" name="next" value="\(next)">
            <label>Operator password <input type="password" name="password" id="password" autocomplete="current-password" autofocus></label>
            <button type="submit" id="sign-in-password">Sign in as operator</button></form>
            <p class="or">or</p>
            <form method="post" action="/ui/login" class="stack" id="token-form">
            <input type="hidden" name="nonce" value="\(nonce)"><input type="hidden" name="next" value="\(next)">
            <label>Agent token <input type="password" name="token" id="token" placeholder="sct_…" autocomplete="off"></label>
            <button type="submit" id="sign-in-token">Sign in as that agent</button></form>
            </section>
            """)
    }
}
