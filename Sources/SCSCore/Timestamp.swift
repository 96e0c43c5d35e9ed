/// Conversions between unix seconds and the ISO 8601 text the Python server emits
/// (`datetime.isoformat()` of an aware UTC datetime: `2026-11-25T18:55:37.842403+00:00`).
public enum Timestamp {
    /// ISO text with microseconds (omitted when zero, as Python does) and `+00:00`.
    public static func iso(_ unixSeconds: Double) -> String {
        var seconds = unixSeconds.rounded(.down)
        var micros = Int(((unixSeconds - seconds) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        let total = Int64(seconds)
        let days = floorDiv(total, 86_400)
        let secondOfDay = total - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(Int(secondOfDay / 3600), 2) + ":" + pad(Int(secondOfDay % 3600 / 60), 2) + ":"
            + pad(Int(secondOfDay % 60), 2)
        if micros > 0 { text += "." + pad(micros, 6) }
        return text + "+00:00"
    }

    /// Parses what Python's `datetime.fromisoformat` accepts (after `Z` → `+00:00`): a date, or a date
    /// and time separated by `T` or a space, optional fraction, optional `±HH:MM[:SS]` offset.
    /// A value without offset is taken as UTC.
    public static func parseISO(_ text: String) -> Double? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.expect(UInt8(ascii: "-")),
            let month = scanner.digits(2), scanner.expect(UInt8(ascii: "-")), let day = scanner.digits(2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = Double(days(fromCivil: year, month, day)) * 86_400
        if scanner.atEnd { return seconds }
        guard scanner.expect(UInt8(ascii: "T")) || scanner.expect(UInt8(ascii: " ")),
            let hour = scanner.digits(2), hour < 24
        else { return nil }
        seconds += Double(hour * 3600)
        if scanner.expect(UInt8(ascii: ":")) {
            guard let minute = scanner.digits(2), minute < 60 else { return nil }
            seconds += Double(minute * 60)
            if scanner.expect(UInt8(ascii: ":")) {
                guard let second = scanner.digits(2), second < 60 else { return nil }
                seconds += Double(second)
                if scanner.expect(UInt8(ascii: ".")) || scanner.expect(UInt8(ascii: ",")) {
                    guard let fraction = scanner.fraction() else { return nil }
                    seconds += fraction
                }
            }
        }
        if scanner.atEnd { return seconds }
        if scanner.expect(UInt8(ascii: "Z")) { return scanner.atEnd ? seconds : nil }
        let sign: Double
        if scanner.expect(UInt8(ascii: "+")) { sign = 1 } else if scanner.expect(UInt8(ascii: "-")) { sign = -1 } else { return nil }
        guard let offsetHours = scanner.digits(2), offsetHours < 24 else { return nil }
        var offset = Double(offsetHours * 3600)
        if scanner.expect(UInt8(ascii: ":")) {
            guard let offsetMinutes = scanner.digits(2), offsetMinutes < 60 else { return nil }
            offset += Double(offsetMinutes * 60)
            if scanner.expect(UInt8(ascii: ":")) {
                guard let offsetSeconds = scanner.digits(2), offsetSeconds < 60 else { return nil }
                offset += Double(offsetSeconds)
            }
        } else if let offsetMinutes = scanner.digits(2), offsetMinutes < 60 {
            offset += Double(offsetMinutes * 60)
        }
        guard scanner.atEnd else { return nil }
        return seconds - sign * offset
    }

    /// SQLite's `CURRENT_TIMESTAMP` form (`YYYY-MM-DD HH:MM:SS`, UTC), found in Python-written rows.
    public static func parseSQLite(_ text: String) -> Double? { parseISO(text) }

    // MARK: - Calendar arithmetic (proleptic Gregorian, H. Hinnant's algorithms)

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func days(fromCivil year0: Int, _ month: Int, _ day: Int) -> Int64 {
        let year = Int64(month <= 2 ? year0 - 1 : year0)
        let era = floorDiv(year, 400)
        let yoe = year - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }

        mutating func fraction() -> Double? {
            var scale = 0.1
            var value = 0.0
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            return index > start ? value : nil
        }
    }
}
