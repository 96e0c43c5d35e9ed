import SCSCore
import Foundation
import Logging
import OrderedCollections
import SCSAuth
import SCSLive
import SCSStorage

/// How messages look on a session page: sender, type, visibility and time above the content
/// (Markdown, rendered safely), replies under their parent.
enum MessageView {
    /// The page's messages in order, each reply under its parent when the parent is on the page
    /// (four levels deep; deeper replies continue side by side, so a long chain stays readable).
    static func thread(_ messages: [Message], links: LinkPolicy) -> HTML {
        let onPage = Set(messages.map(\.id))
        var replies: [Int64: [Message]] = [:]
        for message in messages {
            if let parent = message.parentMessageID, onPage.contains(parent) { replies[parent, default: []].append(message) }
        }
        func render(_ message: Message, depth: Int) -> HTML {
            let children = replies[message.id] ?? []
            if depth < 4 { return article(message, replies: children.map { render($0, depth: depth + 1) }, links: links) }
            var flat = [article(message, replies: [], links: links)]
            var queue = children[...]
            while let next = queue.popFirst() {
                flat.append(article(next, replies: [], links: links))
                queue.append(contentsOf: replies[next.id] ?? [])
            }
            return flat.joined()
        }
        return messages.filter { $0.parentMessageID.map { !onPage.contains($0) } ?? true }.map { render($0, depth: 0) }.joined()
    }

    static func article(_ message: Message, replies: [HTML], links: LinkPolicy) -> HTML {
        let parent: HTML = message.parentMessageID.map { "<a class=\"reply-to\" href=\"#m-\($0)\">↪ reply to #\($0)</a>" } ?? .empty
        let type: HTML = message.messageType == Message.defaultType ? .empty : "<span class=\"type\">\(message.messageType)</span>"
        let children: HTML = replies.isEmpty ? .empty : "<div class=\"replies\">\(replies)</div>"
        return """
            <article class="msg" id="m-\(message.id)" data-id="\(message.id)" data-visibility="\(message.visibility.rawValue)">
            <header><strong class="sender">\(message.sender)</strong> <span class="sender-type">\(message.senderType)</span>
            \(type)\(Layout.visibilityBadge(message.visibility)) \(parent)<span class="when">\(Layout.time(message.timestamp)) · #\(message.id)</span></header>
            <div class="content">\(Markdown.render(message.content, links: links))</div>\(children)</article>
            """
    }
}

/// Memory entries as a table, with TTL and expiry, and a preview of each value (at most
/// `previewCharacters`; a longer value links to a page of its own).
enum MemoryView {
    /// Characters of a value a table shows (the rest is one click away).
    static let previewCharacters = 2_048

    static func table(_ page: MemoryBrowsePage, now: Double, showSession: Bool) -> HTML {
        guard !page.entries.isEmpty else { return "<p class=\"empty\">No memory entries.</p>" }
        let rows = page.entries.enumerated().map { index, entry -> HTML in
            let expiry: HTML = entry.expiresAt.map { expires in
                "\(Layout.time(expires)) <span class=\"ttl\">(\(Self.duration(expires - now)) left)</span>"
            } ?? "<span class=\"muted\">never</span>"
            let session: HTML = showSession ? "<td>\(entry.scope.sessionID.map { "<a href=\"/ui/sessions/\($0)\"><code>\($0)</code></a>" as HTML } ?? "global")</td>" : .empty
            let text = entry.value.stringValue ?? entry.value.compactText
            let more: HTML = page.cutLength(at: index, preview: previewCharacters).map { length in
                "<p class=\"muted\">… \(length) characters in all. <a href=\"\(valueLink(entry))\" class=\"full-value\">Show the whole value</a></p>"
            } ?? .empty
            return """
                <tr class="memory-row"><td><code>\(entry.key)</code></td><td>\(entry.agentID)</td>\(session)
                <td><details><summary>\(Layout.preview(entry.value, limit: 80))</summary><pre class="value">\(text)</pre>\(more)</details></td>
                <td>\(Layout.time(entry.updatedAt))</td><td>\(expiry)</td></tr>
                """
        }
        let sessionHead: HTML = showSession ? "<th>Scope</th>" : .empty
        return """
            <div class="scroll"><table class="list memory"><thead><tr><th>Key</th><th>Agent</th>\(sessionHead)<th>Value</th><th>Updated</th><th>Expires</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    static func valueLink(_ entry: MemoryEntry) -> String {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "agent", value: entry.agentID), URLQueryItem(name: "key", value: entry.key)]
            + (entry.scope.sessionID.map { [URLQueryItem(name: "session", value: $0)] } ?? [])
        return "/ui/memory/value?" + (components.percentEncodedQuery ?? "")
    }

    static func duration(_ seconds: Double) -> String {
        let value = max(0, Int(seconds.rounded()))
        switch value {
        case ..<60: return "\(value) s"
        case ..<3_600: return "\(value / 60) min"
        case ..<86_400: return "\(value / 3_600) h \(value % 3_600 / 60) min"
        default: return "\(value / 86_400) d"
        }
    }
}
