import Foundation
import FuzzSupport
import SCSWeb

/// The Markdown renderer must answer every input in time linear in its length (a bound per input
/// that a quadratic renderer breaks within seconds of fuzzing), and nothing of the input may
/// become markup: no tag or link target but the renderer's own.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkdown(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    // Grow the input (the engine's inputs are short): the bytes repeated, so a pattern that is
    // slow per repetition shows at once.
    let unit = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let source = size == 0 ? "" : String(repeating: unit, count: max(1, 20_000 / max(1, unit.utf8.count)))
    let started = ContinuousClock.now
    let html = Markdown.render(source, links: LinkPolicy(ownHosts: ["dash.test"])).text
    let elapsed = ContinuousClock.now - started
    // ~20 KB of input: well under a millisecond per KB in a release build, so 200 ms leaves the
    // sanitizer's slowdown plenty of room while a quadratic pattern (seconds) cannot pass.
    precondition(elapsed < .milliseconds(200), "render took \(elapsed) for \(source.utf8.count) bytes")
    let lower = html.lowercased()
    for forbidden in ["<script", "<img", "<iframe", "<svg", "<style", "<form", "<input"] {
        precondition(!lower.contains(forbidden), "markup from the input: \(forbidden)")
    }
    // Every link the page keeps goes somewhere the policy allows (never this machine or host).
    let policy = LinkPolicy(ownHosts: ["dash.test"])
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
