/// ISO 8601 dates and timestamps as data files write them, read without Foundation (no formatter, no locale):
/// `2014-01-31`, `2014-01-31T13:30`, `2014-01-31 13:30:05`, `2014-01-31T13:30:05.25`, each optionally followed
/// by `Z`, `±HH:MM`, `±HHMM` or `±HH`.
public enum Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z of an ISO 8601 date or timestamp, or nil for anything else (an
    /// impossible date such as `2014-02-30` included). A timestamp without a zone is read as UTC: data files
    /// without zones are in one local time, whose order this keeps.
    public static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        read(text).map { $0.wallClock - $0.offset }
    }

    /// The time as its text writes it (the wall clock, ignoring any zone offset) in seconds since 1970-01-01
    /// 00:00 of that clock: what calendar features are computed from, as pandas' `.dt` fields do for a timestamp
    /// with a zone.
    public static func wallClock(_ text: UnsafeBufferPointer<UInt8>) -> Double? { read(text)?.wallClock }

    /// The wall-clock seconds and the zone's offset from UTC in seconds (0 without a zone).
    static func read(_ text: UnsafeBufferPointer<UInt8>) -> (wallClock: Double, offset: Double)? {
        var reader = Digits(text)
        guard let year = reader.number(4), reader.skip(UInt8(ascii: "-")), let month = reader.number(2),
            reader.skip(UInt8(ascii: "-")), let day = reader.number(2), (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = Double(daysSinceEpoch(year: year, month: month, day: day)) * 86_400
        if reader.atEnd { return (seconds, 0) }
        guard reader.skip(UInt8(ascii: "T")) || reader.skip(UInt8(ascii: " ")), let hour = reader.number(2),
            reader.skip(UInt8(ascii: ":")), let minute = reader.number(2), hour < 24, minute < 60
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if reader.skip(UInt8(ascii: ":")) {
            guard let second = reader.number(2), second < 60 else { return nil }
            seconds += Double(second)
            if reader.skip(UInt8(ascii: ".")) || reader.skip(UInt8(ascii: ",")) {
                guard let fraction = reader.fraction() else { return nil }
                seconds = adding(fraction, to: seconds)
            }
        }
        if reader.atEnd { return (seconds, 0) }
        if reader.skip(UInt8(ascii: "Z")) { return reader.atEnd ? (seconds, 0) : nil }
        let sign: Double
        if reader.skip(UInt8(ascii: "+")) {
            sign = 1
        } else if reader.skip(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let zoneHours = reader.number(2), zoneHours <= 14 else { return nil }
        var zoneMinutes = 0
        if !reader.atEnd {
            _ = reader.skip(UInt8(ascii: ":"))
            guard let minutes = reader.number(2), minutes < 60 else { return nil }
            zoneMinutes = minutes
        }
        guard reader.atEnd else { return nil }
        // 13:30+02:00 is 11:30 in UTC.
        return (seconds, sign * Double(zoneHours * 3600 + zoneMinutes * 60))
    }

    /// ``parse(_:)`` of a string.
    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// ``wallClock(_:)`` of a string.
    public static func wallClock(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { wallClock($0) }
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `seconds` (a whole number) plus `fraction` (in [0, 1)), never rounded up into the next second, which a
    /// sum of seconds since 1970 and 0.9999999 would be.
    static func adding(_ fraction: Double, to seconds: Double) -> Double {
        let sum = seconds + fraction
        return sum < seconds + 1 ? sum : (seconds + 1).nextDown
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Reads fixed-width decimal fields and separators from the front of a field.
    private struct Digits {
        let text: UnsafeBufferPointer<UInt8>
        var position = 0

        init(_ text: UnsafeBufferPointer<UInt8>) { self.text = text }

        var atEnd: Bool { position == text.count }

        /// Exactly `width` digits as a number.
        mutating func number(_ width: Int) -> Int? {
            guard text.count - position >= width else { return nil }
            var value = 0
            for offset in 0..<width {
                let byte = text[position + offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += width
            return value
        }

        /// One to nine digits after a decimal mark, as a fraction of a second.
        mutating func fraction() -> Double? {
            var value = 0.0
            var scale = 1.0
            let start = position
            while position < text.count, position - start < 9, text[position] >= UInt8(ascii: "0"),
                text[position] <= UInt8(ascii: "9")
            {
                scale /= 10
                value += Double(text[position] - UInt8(ascii: "0")) * scale
                position += 1
            }
            return position > start ? value : nil
        }

        /// Steps over `byte` when it is next.
        mutating func skip(_ byte: UInt8) -> Bool {
            guard position < text.count, text[position] == byte else { return false }
            position += 1
            return true
        }
    }
}
