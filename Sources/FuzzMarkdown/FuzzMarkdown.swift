import Foundation
import FuzzSupport
import SCSWeb

/// The Markdown renderer must answer every input in time linear in its length (a bound per input
/// that a quadratic renderer breaks within seconds of fuzzing), and nothing of the input may
/// become markup: no tag or link target but the renderer's own.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkdown(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    // Grow the input (the engine's inputs are short): the bytes repeated to about 8 KB and to
    // four times that, so a pattern that is slow per repetition shows at once.
    let unit = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard !unit.isEmpty else { return 0 }
    let times = max(1, 8_192 / unit.utf8.count)
    let policy = LinkPolicy(ownHosts: ["dash.test"])
    func timed(_ source: String) -> (String, Double) {
        let started = ContinuousClock.now
        let html = Markdown.render(source, links: policy).text
        return (html, Double((ContinuousClock.now - started) / .microseconds(1)) / 1_000_000)
    }
    let (_, small) = timed(String(repeating: unit, count: times))
    let (html, large) = timed(String(repeating: unit, count: times * 4))
    // Linear: four times the input takes about four times as long (a quadratic renderer: sixteen).
    // The bounds leave room for the sanitizer and a busy machine; the old renderer broke both.
    precondition(large < 2, "render took \(large) s for \(times * 4 * unit.utf8.count) bytes")
    precondition(large < small * 12 + 0.1, "render time grew from \(small) s to \(large) s for four times the input")
    let lower = html.lowercased()
    for forbidden in ["<script", "<img", "<iframe", "<svg", "<style", "<form", "<input"] {
        precondition(!lower.contains(forbidden), "markup from the input: \(forbidden)")
    }
    // Every link the page keeps goes somewhere the policy allows (never this machine or host).
    for piece in html.split(separator: "href=\"").dropFirst() {
        let target = String(piece.prefix { $0 != "\"" })
        let decoded = target.replacingOccurrences(of: "&amp;", with: "&")
        precondition(policy.allows(decoded), "a link to \(target) was kept")
    }
    return 0
}

@_cdecl("FuzzMarkdown_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMarkdown)
}
