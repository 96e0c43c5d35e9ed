import Foundation
import Logging
import OrderedCollections
import SCSAuth
import SCSLive
import SCSCore
import SCSStorage
/// A piece of HTML. Strings interpolated into one are escaped, so markup only ever comes from
/// literals in this module (docs/DASHBOARD.md, "Escaping"): `"<p>\(name)</p>" as HTML` is safe for
/// any `name`. Other `HTML` values interpolate as they are.
public struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String

    public init(stringLiteral value: String) { text = value }

    public init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

    init(trusted text: String) { self.text = text }

    public var description: String { text }

    public static let empty = HTML(trusted: "")

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity + interpolationCount * 16) }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        /// Text: escaped.
        public mutating func appendInterpolation(_ value: String) { HTML.escape(value, into: &text) }

        public mutating func appendInterpolation(_ value: String?) { HTML.escape(value ?? "", into: &text) }

        public mutating func appendInterpolation(_ value: Int) { text += String(value) }

        public mutating func appendInterpolation(_ value: Int64) { text += String(value) }

        /// Markup built elsewhere from literals and escaped text.
        public mutating func appendInterpolation(_ value: HTML) { text += value.text }

        public mutating func appendInterpolation(_ values: [HTML]) {
            for value in values { text += value.text }
        }
    }

    /// Escapes the five characters that matter in text and in quoted attribute values. Runs of
    /// other bytes are appended whole (every escaped character is ASCII, so UTF-8 runs stay intact).
    static func escape(_ value: String, into out: inout String) { escape(value[...], into: &out) }

    static func escape(_ value: Substring, into out: inout String) {
        let utf8 = value.utf8
        var runStart = utf8.startIndex
        var index = runStart
        while index != utf8.endIndex {
            let replacement: String?
            switch utf8[index] {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "\""): replacement = "&quot;"
            case UInt8(ascii: "'"): replacement = "&#39;"
            default: replacement = nil
            }
            if let replacement {
                if runStart != index { out.append(contentsOf: Substring(utf8[runStart..<index])) }
                out += replacement
                runStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if runStart != utf8.endIndex { out.append(contentsOf: Substring(utf8[runStart...])) }
    }

    static func escaped(_ value: String) -> String {
        var out = ""
        escape(value, into: &out)
        return out
    }

    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.text + rhs.text) }

    static func += (lhs: inout HTML, rhs: HTML) { lhs.text += rhs.text }
}

extension Array where Element == HTML {
    func joined() -> HTML { HTML(trusted: map(\.text).joined()) }
}
