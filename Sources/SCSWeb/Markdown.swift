import Foundation
import Logging
import OrderedCollections
import SCSAuth
import SCSTools
import SCSCore
import SCSStorage
/// A small, safe Markdown renderer for message content: fenced code blocks, headings, lists,
/// quotes, paragraphs, inline code, bold, italic and links. Every character of the input reaches
/// the page as escaped text; the only markup is what this renderer writes itself. HTML in the
/// input shows as text, and a link is kept only for `http:`, `https:` and `mailto:` targets
/// (docs/DASHBOARD.md, "Escaping"). Linear in the input's length.
enum Markdown {
    static func render(_ source: String) -> HTML {
        var out = ""
        var paragraph: [Substring] = []
        var list: (ordered: Bool, items: [Substring])?
        var code: (language: String, lines: [Substring])?
        var quote: [Substring] = []

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            out += "<p>" + paragraph.map(inline).joined(separator: "<br>") + "</p>"
            paragraph = []
        }
        func flushList() {
            guard let current = list else { return }
            let tag = current.ordered ? "ol" : "ul"
            out += "<\(tag)>" + current.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>"
            list = nil
        }
        func flushQuote() {
            guard !quote.isEmpty else { return }
            out += "<blockquote>" + quote.map(inline).joined(separator: "<br>") + "</blockquote>"
            quote = []
        }
        func flushAll() {
            flushParagraph()
            flushList()
            flushQuote()
        }

        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if var block = code {
                if trimmed.hasPrefix("```") {
                    let language = block.language.isEmpty ? "" : " class=\"language-\(HTML.escaped(block.language))\""
                    out += "<pre><code\(language)>" + HTML.escaped(block.lines.joined(separator: "\n")) + "</code></pre>"
                    code = nil
                } else {
                    block.lines.append(line)
                    code = block
                }
                continue
            }
            if trimmed.hasPrefix("```") {
                flushAll()
                let language = trimmed.dropFirst(3).prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" }
                code = (String(language.prefix(20)), [])
            } else if trimmed.isEmpty {
                flushAll()
            } else if let level = heading(trimmed) {
                flushAll()
                let tag = "h\(min(6, level + 2))"
                out += "<\(tag)>" + inline(trimmed.dropFirst(level + 1)) + "</\(tag)>"
            } else if trimmed.hasPrefix("> ") || trimmed == ">" {
                flushParagraph()
                flushList()
                quote.append(trimmed.dropFirst(2))
            } else if let (ordered, item) = listItem(trimmed) {
                flushParagraph()
                flushQuote()
                if list?.ordered != ordered { flushList() }
                list = (ordered, (list?.items ?? []) + [item])
            } else {
                flushList()
                flushQuote()
                paragraph.append(line)
            }
        }
        if let block = code {  // an unclosed fence still shows its lines as code
            out += "<pre><code>" + HTML.escaped(block.lines.joined(separator: "\n")) + "</code></pre>"
        }
        flushAll()
        return HTML(trusted: out)
    }

    static func heading(_ line: Substring) -> Int? {
        let level = line.prefix { $0 == "#" }.count
        guard (1...6).contains(level), line.dropFirst(level).first == " " else { return nil }
        return level
    }

    static func listItem(_ line: Substring) -> (ordered: Bool, item: Substring)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") { return (false, line.dropFirst(2)) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, line.dropFirst(digits.count + 2))
        }
        return nil
    }

    /// Inline spans of one line: `code`, **bold**, *italic* / _italic_, [text](url). Works on the
    /// line's UTF-8 (every marker is ASCII) with the next position of each marker computed once,
    /// so a line costs linear time whatever it holds; spans nest at most three deep.
    static func inline(_ text: Substring) -> String {
        let line = InlineLine(Array(text.utf8))
        var out = ""
        line.render(0..<line.bytes.count, depth: 0, into: &out)
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

/// One line's bytes and, for each marker, the next position at or after each index.
struct InlineLine {
    let bytes: [UInt8]
    let nextTick, nextStar, nextUnderscore, nextDoubleStar, nextLinkMiddle, nextParen: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
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
                if let url = Markdown.safeURL(target) {
                    out += "<a href=\"" + HTML.escaped(url) + "\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">"
                        + HTML.escaped(label) + "</a>"
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
