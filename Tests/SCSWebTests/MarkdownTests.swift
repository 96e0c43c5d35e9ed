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
