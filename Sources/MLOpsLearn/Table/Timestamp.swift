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
        var reader = DateTextReader(text)
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
        guard let offset = reader.zoneOffset(), reader.atEnd else { return nil }
        return (seconds, offset)
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
}
