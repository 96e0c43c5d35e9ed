import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import SCSCore
import SCSMCP
import SCSStorage
import Logging
import OrderedCollections
import SCSAuth
import SCSLive

/// The sessions list, one session's page, its live message fragments and the composer.
extension Dashboard {
    static let sessionsPerPage = 50
    /// Messages per page of a session: a 10,000-message session renders one page at a time.
    static let messagesPerPage = 100

    func sessionsPage(_ request: Request, _ viewer: Viewer) async throws -> Response {
        let query = FormFields.query(request)
        let search = String((query["q"] ?? "").prefix(200))
        let showAll = query["state"] == "all"
        let page = Layout.pageNumber(query["page"])
        var list = SessionListQuery(
            activeOnly: !showAll, search: search.isEmpty ? nil : search, limit: Self.sessionsPerPage, offset: (page - 1) * Self.sessionsPerPage)
        list.withParticipants = true
        let result = try await deps.storage.listSessions(list, reader: viewer.identity)
        let rows = result.sessions.map { summary -> HTML in
            let session = summary.session
            let state: HTML = session.isClosed ? "<span class=\"state closed\">closed</span>" : "<span class=\"state active\">active</span>"
            return """
                <tr><td><a href="/ui/sessions/\(session.id)" class="session-link">\(session.purpose)</a><br><code class="id">\(session.id)</code></td>
                <td class="num">\(summary.messageCount)</td><td>\(Layout.time(summary.lastActivity))</td>
                <td class="people">\(summary.participants.joined(separator: ", "))</td><td>\(session.createdBy)</td><td>\(state)</td></tr>
                """
        }
        let table: HTML = rows.isEmpty
            ? "<p class=\"empty\">No sessions\(search.isEmpty ? "" : " match “\(search)”").</p>"
            : """
                <div class="scroll"><table class="list" id="sessions"><thead><tr><th>Session</th><th class="num">Messages</th>
                <th>Last activity</th><th>Who took part</th><th>Created by</th><th>State</th></tr></thead><tbody>\(rows)</tbody></table></div>
                """
        let allSelected: HTML = showAll ? " selected" : ""
        let body: HTML = """
            <h1>Sessions</h1>
            <form method="get" action="/ui/" class="filters" role="search">
            <input type="search" name="q" value="\(search)" placeholder="Search purpose or id" aria-label="Search sessions">
            <select name="state" aria-label="Which sessions"><option value="active">Active</option><option value="all"\(allSelected)>Active and closed</option></select>
            <button type="submit">Filter</button></form>
            \(table)
            \(Layout.pager(path: "/ui/", query: [("q", search), ("state", showAll ? "all" : "")], page: page, size: Self.sessionsPerPage, total: result.totalCount))
            """
        return Self.html(Layout.page("Sessions", viewer: viewer, active: .sessions, body: body))
    }

    func sessionPage(_ request: Request, id: String, _ viewer: Viewer) async throws -> Response {
        guard id.utf8.count <= Limits.sessionIDLength, let session = try await deps.storage.session(id: id) else {
            throw SCSError.sessionNotFound(String(id.prefix(80)))
        }
        let query = FormFields.query(request)
        let filter = query["visibility"].flatMap(Visibility.init(rawValue:))
        let before = query["before"].flatMap { Int64($0.prefix(19)) }
        var messageQuery = MessageQuery(sessionID: id, visibility: filter, order: .descending, limit: Self.messagesPerPage, countTotal: true, maxBytes: 4 << 20)
        messageQuery.beforeID = before
        let page = try await deps.storage.messages(messageQuery, reader: viewer.identity)
        let messages = Array(page.messages.reversed())
        var memoryQuery = MemoryBrowseQuery(agentID: viewer.isAdmin ? nil : viewer.identity.agentID, scope: .session(id), limit: 200)
        memoryQuery.previewCharacters = MemoryView.previewCharacters
        let memory = try await deps.storage.browseMemory(memoryQuery, now: deps.clock.now())
        let lastID = messages.last?.id ?? (before.map { $0 - 1 } ?? 0)
        let older: HTML = messages.count == Self.messagesPerPage || page.truncated
            ? "<a class=\"older\" href=\"\(sessionLink(id, filter: filter, before: messages.first?.id))\">Load older messages</a>" : .empty
        let newest: HTML = before != nil ? "<a class=\"older\" href=\"\(sessionLink(id, filter: filter, before: nil))\">Jump to newest</a>" : .empty
        let options = ([nil] + Visibility.allCases).map { value -> HTML in
            let selected: HTML = value == filter ? " selected" : ""
            return "<option value=\"\(value?.rawValue ?? "")\"\(selected)>\(value.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") } ?? "all")</option>"
        }
        let live = before == nil
        let closed: HTML = session.isClosed ? "<p class=\"notice\" id=\"closed-note\">This session is closed.</p>" : "<p class=\"notice hidden\" id=\"closed-note\">This session is closed.</p>"
        let attributes: HTML = """
             data-session="\(id)" data-last-id="\(lastID)" data-live="\(live ? "1" : "0")" data-visibility="\(filter?.rawValue ?? "")"
            """
        let body: HTML = """
            <header class="session-head"><h1>\(session.purpose)</h1>
            <p class="meta"><code class="id">\(session.id)</code> · created by \(session.createdBy) · \(Layout.time(session.createdAt))
            · <span id="feed-state" class="feed" aria-live="polite">\(live ? "connecting…" : "older page: live updates paused")</span></p></header>
            \(closed)
            <nav class="tabs" role="tablist"><a href="#messages" role="tab" id="tab-messages" aria-selected="true">Messages (\(page.totalCount ?? messages.count))</a>
            <a href="#memory" role="tab" id="tab-memory">Memory (\(memory.totalCount))</a></nav>
            <section id="messages" class="tab-panel">
            <form method="get" action="/ui/sessions/\(id)" class="filters"><label>Visibility <select name="visibility" id="visibility-filter">\(options)</select></label>
            <button type="submit">Show</button></form>
            \(older)\(newest)
            <div id="message-list" class="messages">\(MessageView.thread(messages, links: linkPolicy(request)))</div>
            <button type="button" id="unread" class="unread hidden">0 new messages ↓</button>
            \(composer(session, viewer))
            </section>
            <section id="memory" class="tab-panel">\(MemoryView.table(memory, now: deps.clock.now(), showSession: false))</section>
            """
        return Self.html(Layout.page(session.purpose, viewer: viewer, active: .sessions, body: body, extraBodyAttributes: attributes))
    }

    func sessionLink(_ id: String, filter: Visibility?, before: Int64?) -> String {
        var items: [URLQueryItem] = []
        if let filter { items.append(URLQueryItem(name: "visibility", value: filter.rawValue)) }
        if let before { items.append(URLQueryItem(name: "before", value: String(before))) }
        var components = URLComponents()
        components.queryItems = items
        let path = "/ui/sessions/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)
        return items.isEmpty ? path : path + "?" + (components.percentEncodedQuery ?? "")
    }

    func composer(_ session: Session, _ viewer: Viewer) -> HTML {
        guard viewer.identity.canWrite, !session.isClosed else { return .empty }
        let choices: [Visibility] = viewer.isAdmin ? Visibility.allCases : Visibility.allCases.filter { $0 != .adminOnly }
        let options = choices.map { "<option value=\"\($0.rawValue)\">\($0.rawValue.replacingOccurrences(of: "_", with: " "))</option>" as HTML }
        return """
            <form method="post" action="/ui/sessions/\(session.id)/messages" class="composer" id="composer">
            <input type="hidden" name="csrf" value="\(viewer.csrf)">
            <label class="grow">Post as <strong>\(viewer.identity.agentID)</strong>
            <textarea name="content" id="composer-content" rows="3" maxlength="100000" required placeholder="Write a message (Markdown)"></textarea></label>
            <div class="row"><label>Visibility <select name="visibility" id="composer-visibility">\(options)</select></label>
            <button type="submit" id="composer-send">Post</button></div></form>
            """
    }

    /// Messages after `after` as HTML (the live feed asks for these when it hears of new ones).
    func messagesFragment(_ request: Request, id: String, _ viewer: Viewer) async throws -> Response {
        let query = FormFields.query(request)
        let after = query["after"].flatMap { Int64($0.prefix(19)) } ?? 0
        let filter = query["visibility"].flatMap(Visibility.init(rawValue:))
        let page = try await deps.storage.messages(
            MessageQuery(sessionID: id, visibility: filter, afterID: after, order: .ascending, limit: 200, maxBytes: 4 << 20), reader: viewer.identity)
        var response = Self.html(page.messages.map { MessageView.article($0, replies: [], links: linkPolicy(request)) }.joined())
        response.headers[HTTPField.Name("X-Last-ID")!] = String(page.messages.last?.id ?? after)
        return response
    }

    /// The composer: `add_message` through the tool path, as the signed-in person.
    func post(id: String, fields: FormFields, _ viewer: Viewer) async throws -> Response {
        var arguments: JSONObject = ["session_id": .string(id), "content": .string(fields["content"] ?? "")]
        if let visibility = fields["visibility"], !visibility.isEmpty { arguments["visibility"] = .string(visibility) }
        var client = MCPClientContext(mcpSessionID: "dashboard-" + viewer.loginID.prefix(8), hasSession: false, apiKeyValid: true)
        client.person = viewer.identity
        let request = JSONRPC.Message.request(id: .int(1), method: "tools/call", params: [
            "name": "add_message", "arguments": .object(arguments),
        ])
        let answer = await deps.server.respond(request, client: client).flatMap { try? JSONValue.parse($0) }
        let result = answer?["result"]?["content"]?[0]?["text"]?.stringValue.flatMap { try? JSONValue.parse(Array($0.utf8)) }
        guard let result, result["success"]?.boolValue == true, let messageID = result["message_id"]?.intValue else {
            throw SCSError(code: .invalidInput, message: result?["error"]?.stringValue ?? "The message could not be posted.")
        }
        return Self.redirect(sessionLink(id, filter: nil, before: nil) + "#m-\(messageID)")
    }
}
