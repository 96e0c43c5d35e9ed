import Foundation
import Testing

@testable import SCSWeb

@Suite("Escaping: the HTML builder and the Markdown renderer")
struct MarkdownTests {
    @Test("interpolated strings are escaped, HTML values are not")
    func builderEscapes() {
        let name = "<script>alert('x') & \"y\"</script>"
        let inner: HTML = "<b>\(name)</b>"
        let page: HTML = "<p title=\"\(name)\">\(inner)</p>"
        #expect(page.text == "<p title=\"&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;\"><b>&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;</b></p>")
    }

    @Test("markup in a message is text; formatting is the renderer's own")
    func markdown() {
        #expect(Markdown.render("<img src=x onerror=alert(1)>").text == "<p>&lt;img src=x onerror=alert(1)&gt;</p>")
        #expect(Markdown.render("**bold** and *it* and `<b>`").text == "<p><strong>bold</strong> and <em>it</em> and <code>&lt;b&gt;</code></p>")
        #expect(Markdown.render("```swift\nlet a = \"<x>\"\n```").text == "<pre><code class=\"language-swift\">let a = &quot;&lt;x&gt;&quot;</code></pre>")
        #expect(Markdown.render("# Title\n- one\n- two").text == "<h3>Title</h3><ul><li>one</li><li>two</li></ul>")
    }

    @Test("links keep only http, https and mailto targets")
    func links() {
        #expect(Markdown.render("[a](javascript:alert(1))").text == "<p>[a](javascript:alert(1))</p>")
        #expect(Markdown.render("[a](JavaScript:alert(1))").text.contains("href") == false)
        #expect(Markdown.render("[a](https://x.test/?a=1&b=\"2\")").text == "<p>[a](https://x.test/?a=1&amp;b=&quot;2&quot;)</p>")
        #expect(Markdown.render("[docs](https://x.test/a?b=1&c=2)").text
            == "<p><a href=\"https://x.test/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">docs</a></p>")
    }

    @Test("pathological input renders in linear time and loses no character")
    func pathological() {
        let stars = String(repeating: "*", count: 100_000)
        #expect(Markdown.render(stars).text.filter { $0 == "*" }.count <= 100_000)
        let nested = String(repeating: "*_", count: 20_000) + String(repeating: "_*", count: 20_000)
        let rendered = Markdown.render(nested).text
        #expect(!rendered.isEmpty && !rendered.contains("<script"))
        let unclosed = "```\n<b>never closed"
        #expect(Markdown.render(unclosed).text == "<pre><code>&lt;b&gt;never closed</code></pre>")
    }
}

@Suite("Markdown built to be slow renders in linear time; links to this host are inert")
struct MarkdownHostileTests {
    /// Renders `source`, with a deadline hundreds of times what a linear renderer needs even in
    /// a debug build (the quadratic one took 13 s for the first input below).
    static func rendered(_ source: String) -> (html: String, seconds: Double) {
        let started = ContinuousClock.now
        let html = Markdown.render(source).text
        return (html, Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000)
    }

    @Test("a 32,000-line fence, a 16,000-item list, and 100,000-character ones render whole and fast")
    func bigBlocks() {
        let fence = Self.rendered("```\n" + String(repeating: "x\n", count: 32_000))
        #expect(fence.html.hasPrefix("<pre><code>x\nx\n") && fence.html.components(separatedBy: "\n").count == 32_001)
        #expect(fence.seconds < 3, "fence took \(fence.seconds) s")
        let list = Self.rendered(String(repeating: "- item <b>\n", count: 16_000))
        #expect(list.html.components(separatedBy: "<li>item &lt;b&gt;</li>").count == 16_001)
        #expect(list.seconds < 3, "list took \(list.seconds) s")
        let ordered = Self.rendered(String(repeating: "1. a\n2. b\n", count: 10_000))
        #expect(ordered.html.components(separatedBy: "<li>").count == 20_001 && ordered.html.hasPrefix("<ol>"))
        let quote = Self.rendered(String(repeating: "> q\n", count: 25_000))
        #expect(quote.html.components(separatedBy: "<br>").count == 25_000)
        #expect(ordered.seconds + quote.seconds < 3)
    }

    @Test("CRLF line ends split lines; nothing of the input is lost")
    func crlf() {
        #expect(Markdown.render("# T\r\n- a\r\n- b").text == "<h3>T</h3><ul><li>a</li><li>b</li></ul>")
        #expect(Markdown.render("é & ü\u{301}<").text == "<p>é &amp; ü\u{301}&lt;</p>")
        #expect(Markdown.render("&\u{301}x").text == "<p>&amp;\u{301}x</p>")
    }

    @Test("links to loopback in any spelling, or to the dashboard's own host on any port, are inert")
    func inertLinks() {
        let own = LinkPolicy(ownHosts: ["dash.example:8443", "scs.internal"])
        for target in [
            "http://localhost:9999/x", "http://LOCALHOST./", "https://foo.localhost/", "http://127.0.0.1:8080/", "http://127.1/",
            "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://[::1]:80/", "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0:8000/", "http://evil@127.0.0.1/", "http://dash.example:1234/steal", "https://DASH.example/",
            "http://scs.internal:9/",
        ] {
            let html = Markdown.render("[click](\(target))", links: own).text
            #expect(!html.contains("<a "), "\(target) stayed a link: \(html)")
            #expect(html.contains("inert-link"), "\(target)")
        }
        for target in ["https://example.com/", "http://128.0.0.1/", "http://dash.example.org/", "mailto:a@b.test", "http://[2001:db8::1]/"] {
            #expect(Markdown.render("[ok](\(target))", links: own).text.contains("<a href="), "\(target)")
        }
    }
}
