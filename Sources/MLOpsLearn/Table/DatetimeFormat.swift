import MLOpsErrors

/// A strptime-style pattern for dates and times that are not ISO 8601 (`train --datetime-format`):
///
/// - `%Y` a four-digit year; `%y` two digits (69–99 are 19xx, 00–68 are 20xx, as POSIX reads them)
/// - `%m` month, `%d` day, `%H` hour (0–23), `%M` minute, `%S` second: one or two digits
/// - `%b` an English month abbreviation (`Jan`, any case); `%f` a fraction of a second (1–9 digits)
/// - `%z` a zone: `Z`, `±hh`, `±hhmm` or `±hh:mm`; `%%` a percent sign
///
/// Any other character matches itself. A pattern needs a year, a month and a day.
public struct DatetimeFormat: Sendable, Hashable {
    /// The pattern as given.
    public let pattern: String
    private let tokens: [Token]

    private enum Token: Hashable {
        case literal(UInt8)
        case year4, year2, month, day, hour, minute, second, fraction, monthName, zone
    }

    /// Compiles `pattern`.
    ///
    /// - Throws: `usage` for an unknown directive or a pattern without a year, month and day.
    public init(_ pattern: String) throws(MLOpsError) {
        guard pattern.utf8.count <= Self.maximumLength else {
            throw MLOpsError(
                .usage, "a datetime format of \(pattern.utf8.count) bytes is longer than any date needs",
                hint: "at most \(Self.maximumLength) bytes, such as '%d/%m/%Y %H:%M'")
        }
        var tokens: [Token] = []
        var characters = pattern.makeIterator()
        while let character = characters.next() {
            guard character == "%" else {
                tokens += character.utf8.map(Token.literal)
                continue
            }
            switch characters.next() {
            case "Y": tokens.append(.year4)
            case "y": tokens.append(.year2)
            case "m": tokens.append(.month)
            case "d": tokens.append(.day)
            case "H": tokens.append(.hour)
            case "M": tokens.append(.minute)
            case "S": tokens.append(.second)
            case "f": tokens.append(.fraction)
            case "b": tokens.append(.monthName)
            case "z": tokens.append(.zone)
            case "%": tokens.append(.literal(UInt8(ascii: "%")))
            case let other:
                throw MLOpsError(
                    .usage,
                    "the datetime format '\(pattern)' has an unknown directive '%\(other.map(String.init) ?? "")'",
                    hint: "use %Y %y %m %b %d %H %M %S %f %z and %%")
            }
        }
        let hasYear = tokens.contains(.year4) || tokens.contains(.year2)
        let hasMonth = tokens.contains(.month) || tokens.contains(.monthName)
        guard hasYear, hasMonth, tokens.contains(.day) else {
            throw MLOpsError(
                .usage, "the datetime format '\(pattern)' needs a year (%Y or %y), a month (%m or %b) and a day (%d)")
        }
        self.pattern = pattern
        self.tokens = tokens
    }

    /// The wall-clock seconds since 1970-01-01 00:00 and the zone's offset from UTC (0 without `%z`) of `text`,
    /// or nil when it does not match the pattern or names an impossible date or time.
    public func read(_ text: UnsafeBufferPointer<UInt8>) -> (wallClock: Double, offset: Double)? {
        var reader = DateTextReader(text)
        func digits(_ minimum: Int, _ maximum: Int) -> Int? { reader.number(minimum: minimum, maximum: maximum) }
        var year = 1970
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        var fraction = 0.0
        var offset = 0.0
        for token in tokens {
            switch token {
            case .literal(let byte):
                guard reader.skip(byte) else { return nil }
            case .year4: guard let value = digits(4, 4) else { return nil }; year = value
            case .year2:
                guard let value = digits(2, 2) else { return nil }; year = value < 69 ? 2000 + value : 1900 + value
            case .month: guard let value = digits(1, 2) else { return nil }; month = value
            case .day: guard let value = digits(1, 2) else { return nil }; day = value
            case .hour: guard let value = digits(1, 2) else { return nil }; hour = value
            case .minute: guard let value = digits(1, 2) else { return nil }; minute = value
            case .second: guard let value = digits(1, 2) else { return nil }; second = value
            case .fraction:
                guard let value = reader.fraction() else { return nil }
                fraction = value
            case .monthName:
                guard let bytes = reader.take(3),
                    let index = Self.monthNames.firstIndex(of: String(decoding: bytes, as: UTF8.self).lowercased())
                else { return nil }
                month = index + 1
            case .zone:
                guard let value = reader.zoneOffset() else { return nil }
                offset = value
            }
        }
        guard reader.atEnd, (1...12).contains(month),
            (1...Timestamp.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Timestamp.daysSinceEpoch(year: year, month: month, day: day)
        return (Timestamp.adding(fraction, to: Double(days * 86_400 + hour * 3600 + minute * 60 + second)), offset)
    }

    /// The longest pattern accepted.
    public static let maximumLength = 64

    private static let monthNames = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
}
