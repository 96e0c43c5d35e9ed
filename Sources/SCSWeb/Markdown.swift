import Foundation

/// A small, safe Markdown renderer for message content: fenced code blocks, headings, lists,
/// quotes, paragraphs, inline code, bold, italic and links. Every character of the input reaches
/// the page as escaped text; the only markup is what this renderer writes itself. HTML in the
/// input shows as text, and a link is kept only for `http:`, `https:` and `mailto:` targets that
/// do not point at this machine or the dashboard's own host (docs/DASHBOARD.md, "Escaping").
/// Linear in the input's length: every block is built by appending, never by copying what came
/// before, and lines are split on the input's UTF-8.
public enum Markdown {
    /// `links` decides which link targets stay links (the others show as inert text).
    public static func render(_ source: String, links: LinkPolicy = .loopbackOnly) -> HTML {
        var renderer = BlockRenderer(links: links)
        renderer.out.reserveCapacity(source.utf8.count + source.utf8.count / 8)
        for rawLine in source.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            if line.utf8.last == UInt8(ascii: "\r") { line = line.dropLast() }
            renderer.add(line)
        }
        renderer.finish()
        return HTML(trusted: renderer.out)
    }

    static func heading(_ line: Substring) -> Int? {
        let level = line.utf8.prefix { $0 == UInt8(ascii: "#") }.count
        guard (1...6).contains(level), line.utf8.dropFirst(level).first == UInt8(ascii: " ") else { return nil }
        return level
    }

    static func listItem(_ line: Substring) -> (ordered: Bool, item: Substring)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") { return (false, line.dropFirst(2)) }
        let digits = line.utf8.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        if digits > 0, digits <= 9, line.utf8.dropFirst(digits).starts(with: ". ".utf8) {
            return (true, Substring(line.utf8.dropFirst(digits + 2)))
        }
        return nil
    }

    /// Inline spans of one line: `code`, **bold**, *italic* / _italic_, [text](url). Works on the
    /// line's UTF-8 (every marker is ASCII) with the next position of each marker computed once,
    /// so a line costs linear time whatever it holds; spans nest at most three deep.
    static func inline(_ text: Substring, links: LinkPolicy = .loopbackOnly, into out: inout String) {
        let line = InlineLine(Array(text.utf8), links: links)
        line.render(0..<line.bytes.count, depth: 0, into: &out)
    }

    static func inline(_ text: Substring) -> String {
        var out = ""
        inline(text, into: &out)
        return out
    }

    /// A link target kept only when its scheme is http, https or mailto (no `javascript:`).
    static func safeURL(_ target: String) -> String? {
        let url = target.trimmingCharacters(in: .whitespaces)
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:"),
            !url.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" })
        else { return nil }
        return url
    }
}

/// The block structure of a message, built line by line (Markdown.render).
struct BlockRenderer {
    let links: LinkPolicy
    var out = ""
    var paragraph: [Substring] = []
    var listOrdered: Bool?
    var listItems: [Substring] = []
    /// Inside a fence: its language and lines.
    var codeLanguage: String?
    var codeLines: [Substring] = []
    var quote: [Substring] = []

    init(links: LinkPolicy) { self.links = links }

    mutating func add(_ line: Substring) {
        let trimmed = line.drop { $0 == " " }
        if let language = codeLanguage {
            if trimmed.hasPrefix("```") {
                closeCode(language: language)
            } else {
                codeLines.append(line)
            }
            return
        }
        if trimmed.hasPrefix("```") {
            flushAll()
            let language = trimmed.dropFirst(3).prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" }
            codeLanguage = String(language.prefix(20))
        } else if trimmed.isEmpty {
            flushAll()
        } else if let level = Markdown.heading(trimmed) {
            flushAll()
            let tag = "h\(min(6, level + 2))"
            out += "<\(tag)>"
            Markdown.inline(trimmed.dropFirst(level + 1), links: links, into: &out)
            out += "</\(tag)>"
        } else if trimmed.hasPrefix("> ") || trimmed == ">" {
            flushParagraph()
            flushList()
            quote.append(trimmed.dropFirst(2))
        } else if let (ordered, item) = Markdown.listItem(trimmed) {
            flushParagraph()
            flushQuote()
            if listOrdered != ordered { flushList() }
            listOrdered = ordered
            listItems.append(item)
        } else {
            flushList()
            flushQuote()
            paragraph.append(line)
        }
    }

    mutating func finish() {
        if codeLanguage != nil { closeCode(language: "") }  // an unclosed fence still shows its lines as code
        flushAll()
    }

    mutating func closeCode(language: String) {
        let attribute = language.isEmpty ? "" : " class=\"language-\(HTML.escaped(language))\""
        out += "<pre><code\(attribute)>"
        for (index, line) in codeLines.enumerated() {
            if index > 0 { out += "\n" }
            HTML.escape(line, into: &out)
        }
        out += "</code></pre>"
        codeLines.removeAll(keepingCapacity: true)
        codeLanguage = nil
    }

    mutating func joinedLines(_ lines: [Substring], open: String, close: String) {
        out += open
        for (index, line) in lines.enumerated() {
            if index > 0 { out += "<br>" }
            Markdown.inline(line, links: links, into: &out)
        }
        out += close
    }

    mutating func flushParagraph() {
        guard !paragraph.isEmpty else { return }
        joinedLines(paragraph, open: "<p>", close: "</p>")
        paragraph.removeAll(keepingCapacity: true)
    }

    mutating func flushList() {
        guard let ordered = listOrdered else { return }
        let tag = ordered ? "ol" : "ul"
        out += "<\(tag)>"
        for item in listItems {
            out += "<li>"
            Markdown.inline(item, links: links, into: &out)
            out += "</li>"
        }
        out += "</\(tag)>"
        listItems.removeAll(keepingCapacity: true)
        listOrdered = nil
    }

    mutating func flushQuote() {
        guard !quote.isEmpty else { return }
        joinedLines(quote, open: "<blockquote>", close: "</blockquote>")
        quote.removeAll(keepingCapacity: true)
    }

    mutating func flushAll() {
        flushParagraph()
        flushList()
        flushQuote()
    }
}

/// One line's bytes and, for each marker, the next position at or after each index.
struct InlineLine {
    let bytes: [UInt8]
    let links: LinkPolicy
    let nextTick, nextStar, nextUnderscore, nextDoubleStar, nextLinkMiddle, nextParen: [Int]

    init(_ bytes: [UInt8], links: LinkPolicy) {
        self.bytes = bytes
        self.links = links
        func next(_ matches: (Int) -> Bool) -> [Int] {
            var result = [Int](repeating: bytes.count, count: bytes.count + 1)
            var index = bytes.count - 1
            while index >= 0 {
                result[index] = matches(index) ? index : result[index + 1]
                index -= 1
            }
            return result
        }
        let pair = { (first: UInt8, second: UInt8) in
            { (index: Int) in bytes[index] == first && index + 1 < bytes.count && bytes[index + 1] == second }
        }
        nextTick = next { bytes[$0] == UInt8(ascii: "`") }
        nextStar = next { bytes[$0] == UInt8(ascii: "*") }
        nextUnderscore = next { bytes[$0] == UInt8(ascii: "_") }
        nextDoubleStar = next(pair(UInt8(ascii: "*"), UInt8(ascii: "*")))
        nextLinkMiddle = next(pair(UInt8(ascii: "]"), UInt8(ascii: "(")))
        nextParen = next { bytes[$0] == UInt8(ascii: ")") }
    }

    /// The next position of a marker in `from..<end`, if any.
    func find(_ table: [Int], from: Int, before end: Int) -> Int? {
        guard from < end else { return nil }
        let found = table[from]
        return found < end ? found : nil
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    func render(_ range: Range<Int>, depth: Int, into out: inout String) {
        var index = range.lowerBound
        var plainStart = index
        let end = range.upperBound
        func flush(_ upTo: Int) {
            if plainStart < upTo { HTML.escape(text(plainStart..<upTo), into: &out) }
        }
        while index < end {
            let byte = bytes[index]
            let nested = depth < 3
            if byte == UInt8(ascii: "`"), let close = find(nextTick, from: index + 1, before: end) {
                flush(index)
                out += "<code>" + HTML.escaped(text((index + 1)..<close)) + "</code>"
                index = close + 1
            } else if nested, byte == UInt8(ascii: "*"), index + 1 < end, bytes[index + 1] == UInt8(ascii: "*"),
                let close = find(nextDoubleStar, from: index + 2, before: end - 1), close > index + 2
            {
                flush(index)
                out += "<strong>"
                render((index + 2)..<close, depth: depth + 1, into: &out)
                out += "</strong>"
                index = close + 2
            } else if nested, byte == UInt8(ascii: "*") || byte == UInt8(ascii: "_"), index + 1 < end, bytes[index + 1] != UInt8(ascii: " "),
                let close = find(byte == UInt8(ascii: "*") ? nextStar : nextUnderscore, from: index + 1, before: end), close > index + 1
            {
                flush(index)
                out += "<em>"
                render((index + 1)..<close, depth: depth + 1, into: &out)
                out += "</em>"
                index = close + 1
            } else if byte == UInt8(ascii: "["), let middle = find(nextLinkMiddle, from: index + 1, before: end - 1),
                let close = find(nextParen, from: middle + 2, before: end)
            {
                flush(index)
                let label = text((index + 1)..<middle)
                let target = text((middle + 2)..<close)
                if let url = Markdown.safeURL(target), links.allows(url) {
                    out += "<a href=\"" + HTML.escaped(url) + "\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">"
                        + HTML.escaped(label) + "</a>"
                } else if Markdown.safeURL(target) != nil {
                    // A link to this machine or this dashboard's host: shown, never followed.
                    out += "<span class=\"inert-link\" title=\"Links to this server's host are not followed\">"
                    HTML.escape(text(index..<(close + 1)), into: &out)
                    out += "</span>"
                } else {
                    HTML.escape(text(index..<(close + 1)), into: &out)
                }
                index = close + 1
            } else {
                index += 1
                continue
            }
            plainStart = index
        }
        flush(end)
    }
}
