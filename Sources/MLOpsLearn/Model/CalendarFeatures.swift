import MLOpsErrors

/// A number computed from a date and time: one calendar feature of a model (docs/formats.md, "Datetime
/// columns"). Parts are of the time as written (its wall clock), whatever its zone.
public enum CalendarPart: String, Codable, Sendable, CaseIterable {
    case year
    /// 1–4.
    case quarter
    /// 1–12.
    case month
    /// Of the month, 1–31.
    case day
    /// Monday 0 to Sunday 6, as pandas' `dayofweek`.
    case dayOfWeek = "day_of_week"
    /// 1–366.
    case dayOfYear = "day_of_year"
    /// 0–23.
    case hour
    /// 0–59.
    case minute
    /// 0–1439.
    case minuteOfDay = "minute_of_day"
    /// 1 on Saturday and Sunday, else 0.
    case weekend

    /// The parts a datetime column expands into unless the training request names others.
    public static let defaults: [CalendarPart] = [
        .year, .month, .day, .dayOfWeek, .dayOfYear, .hour, .minuteOfDay, .weekend,
    ]

    /// Reads a comma-separated list of part names (`hour,day_of_week`).
    public static func parse(list: String) throws(MLOpsError) -> [CalendarPart] {
        var parts: [CalendarPart] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let part = CalendarPart(rawValue: String(name)) else {
                throw MLOpsError(
                    .usage, "'\(name)' is not a calendar part",
                    hint: "choose from: " + allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !parts.contains(part) else { throw MLOpsError(.usage, "the calendar part '\(name)' is listed twice") }
            parts.append(part)
        }
        return parts
    }

    /// This part of `date`.
    public func value(of date: CalendarDate) -> Double {
        switch self {
        case .year: return Double(date.year)
        case .quarter: return Double((date.month - 1) / 3 + 1)
        case .month: return Double(date.month)
        case .day: return Double(date.day)
        case .dayOfWeek: return Double(date.dayOfWeek)
        case .dayOfYear: return Double(date.dayOfYear)
        case .hour: return Double(date.minuteOfDay / 60)
        case .minute: return Double(date.minuteOfDay % 60)
        case .minuteOfDay: return Double(date.minuteOfDay)
        case .weekend: return date.dayOfWeek >= 5 ? 1 : 0
        }
    }
}

/// The calendar fields of a wall-clock time.
public struct CalendarDate: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    /// Monday 0 to Sunday 6.
    public var dayOfWeek: Int
    public var dayOfYear: Int
    public var minuteOfDay: Int

    /// The fields of `seconds` since 1970-01-01 00:00 of the same clock.
    public init(wallClock seconds: Double) {
        let days = Int((seconds / 86_400).rounded(.down))
        (year, month, day) = Timestamp.civilDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday (3 counting from Monday 0).
        dayOfWeek = ((days + 3) % 7 + 7) % 7
        dayOfYear = days - Timestamp.daysSinceEpoch(year: year, month: 1, day: 1) + 1
        minuteOfDay = min(1439, max(0, Int(((seconds - Double(days) * 86_400) / 60).rounded(.down))))
    }
}

/// A column of dates and times a model reads as text and expands into calendar features, the numeric features
/// named `<column>.<part>` (`time.hour`): the model does the expansion, so its clients send the timestamp.
public struct DatetimeColumn: Codable, Hashable, Sendable {
    /// The column's name.
    public var name: String
    /// A strptime-style pattern (``DatetimeFormat``); nil for ISO 8601.
    public var format: String?
    /// The calendar features, in the order they appear among the model's features.
    public var parts: [CalendarPart]

    public init(name: String, format: String? = nil, parts: [CalendarPart] = CalendarPart.defaults) {
        self.name = name
        self.format = format
        self.parts = parts
    }

    /// The name of the feature holding `part`.
    public func featureName(_ part: CalendarPart) -> String { name + "." + part.rawValue }

    /// How the column's values are read.
    public func reader() throws(MLOpsError) -> DatetimeReader {
        DatetimeReader(format: try format.map { pattern throws(MLOpsError) in try DatetimeFormat(pattern) })
    }

    /// Each row's wall-clock time (NaN where missing), or with `utc` the time in UTC where the value names its
    /// zone. Numbers are read as their text (`20140131` for `%Y%m%d`).
    ///
    /// - Throws: `invalidInput` naming the first value that is not a date and time in the column's format.
    public func wallClocks(of column: Column, utc: Bool = false) throws(MLOpsError) -> [Double] {
        let reader = try reader()
        let texts: [String?]
        let codes: [Int32]
        switch column.storage {
        case .categorical(let rowCodes, let levels):
            texts = levels
            codes = rowCodes
        case .numeric(let values):
            // Each distinct number is read once, as text.
            var index: [Double: Int32] = [:]
            var distinct: [String?] = []
            codes = values.map { value in
                guard !value.isNaN else { return -1 }
                if let code = index[value] { return code }
                index[value] = Int32(distinct.count)
                distinct.append(NumberText.format(value))
                return Int32(distinct.count - 1)
            }
            texts = distinct
        }
        var seconds: [Double] = []
        seconds.reserveCapacity(texts.count)
        for text in texts {
            guard let text, let value = utc ? reader.utc(text) : reader.wallClock(text) else {
                throw MLOpsError(
                    .invalidInput,
                    "the datetime column '\(name)' holds '\((text ?? "").prefix(40))', which is not \(reader.describedFormat)",
                    hint: format == nil
                        ? "write 2014-01-31 or 2014-01-31T13:30[:00][Z|±hh:mm], or give --datetime-format"
                        : "fix the value, or the --datetime-format")
            }
            seconds.append(value)
        }
        return codes.map { $0 < 0 ? .nan : seconds[Int($0)] }
    }

    /// The calendar feature columns of times `wallClocks` (NaN in every part where a time is missing).
    public func calendarColumns(wallClocks: [Double]) -> [Column] {
        var values = parts.map { _ in [Double](repeating: .nan, count: wallClocks.count) }
        for (row, seconds) in wallClocks.enumerated() where !seconds.isNaN {
            let date = CalendarDate(wallClock: seconds)
            for (index, part) in parts.enumerated() { values[index][row] = part.value(of: date) }
        }
        return zip(parts, values).map { Column(name: featureName($0), numeric: $1) }
    }
}

/// Reads the wall-clock time of a datetime column's values: ISO 8601, or a ``DatetimeFormat``.
public struct DatetimeReader: Sendable {
    let format: DatetimeFormat?

    /// Seconds since 1970-01-01 00:00 of the value's own clock, or nil when it is not a date and time.
    public func wallClock(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        format.map { $0.read(text)?.wallClock } ?? Timestamp.wallClock(text)
    }

    /// ``wallClock(_:)`` of a string.
    public func wallClock(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { wallClock($0) }
    }

    /// Seconds since 1970-01-01T00:00:00Z (a value without a zone read as UTC), or nil.
    public func utc(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes in
            guard let (wallClock, offset) = format.map({ $0.read(bytes) }) ?? Timestamp.read(bytes) else { return nil }
            return wallClock - offset
        }
    }

    /// The format in words, for errors: "an ISO 8601 date or timestamp", or the pattern.
    public var describedFormat: String {
        format.map { "a date and time in the format '\($0.pattern)'" } ?? "an ISO 8601 date or timestamp"
    }
}

extension Signature {
    /// What a client gives the model, in feature order: each plain feature, and each datetime column once in
    /// place of its calendar features.
    public struct Input: Sendable {
        /// The column name.
        public var name: String
        /// For a plain feature, its index among the features; nil for a datetime column.
        public var feature: Int?
        /// For a datetime column, how to read it and the calendar features it feeds.
        public var calendar: CalendarSlots?
    }

    /// The model's inputs (``Input``).
    ///
    /// - Throws: `invalidInput` for a datetime format that does not compile (``problem()`` reports it first).
    public func inputs() throws(MLOpsError) -> [Input] {
        var calendarFeature: [String: (column: Int, part: CalendarPart)] = [:]
        for (column, datetime) in (datetimes ?? []).enumerated() {
            for part in datetime.parts { calendarFeature[datetime.featureName(part)] = (column, part) }
        }
        var inputs: [Input] = []
        var inputOfColumn: [Int: Int] = [:]
        for (index, feature) in features.enumerated() {
            guard let (column, part) = calendarFeature[feature.name], let datetimes else {
                inputs.append(Input(name: feature.name, feature: index, calendar: nil))
                continue
            }
            if let input = inputOfColumn[column] {
                inputs[input].calendar?.slots.append(CalendarSlots.Slot(feature: index, part: part))
            } else {
                inputOfColumn[column] = inputs.count
                let slots = CalendarSlots(
                    reader: try datetimes[column].reader(), slots: [CalendarSlots.Slot(feature: index, part: part)])
                inputs.append(Input(name: datetimes[column].name, feature: nil, calendar: slots))
            }
        }
        return inputs
    }

    /// The names of the datetime columns: a data file's are read as text, so `01012014` keeps its leading zero.
    public var datetimeNames: Set<String> { Set((datetimes ?? []).map(\.name)) }

    /// The names of ``inputs()``: what a data file or a request must hold.
    public var inputNames: [String] {
        var column: [String: String] = [:]
        for datetime in datetimes ?? [] {
            for part in datetime.parts { column[datetime.featureName(part)] = datetime.name }
        }
        var seen = Set<String>()
        return features.map { column[$0.name] ?? $0.name }.filter { seen.insert($0).inserted }
    }

    /// `table` with the model's calendar features added, computed from its datetime columns (which stay).
    ///
    /// - Throws: `notFound` when a datetime column is absent; `invalidInput` for a value that is not a date and
    ///   time in the column's format.
    public func calendarExpanded(_ table: Table) throws(MLOpsError) -> Table {
        guard let datetimes, !datetimes.isEmpty else { return table }
        var expanded = table
        for datetime in datetimes {
            let column: Column
            do {
                column = try table.column(named: datetime.name)
            } catch {
                throw missingColumn(datetime.name)
            }
            for calendar in datetime.calendarColumns(wallClocks: try datetime.wallClocks(of: column)) {
                try expanded.setColumn(calendar)
            }
        }
        return expanded
    }
}

/// The calendar features one datetime input feeds: where each goes in an encoded row.
public struct CalendarSlots: Sendable {
    public struct Slot: Sendable {
        /// The feature's index in the signature (its position in an encoded row).
        public var feature: Int
        public var part: CalendarPart
    }

    public let reader: DatetimeReader
    public fileprivate(set) var slots: [Slot]

    /// Calls `set(feature, value)` for each calendar feature of `text`; returns false (setting nothing) when
    /// `text` is not a date and time in the column's format.
    public func fill(_ text: UnsafeBufferPointer<UInt8>, _ set: (Int, Double) -> Void) -> Bool {
        guard let seconds = reader.wallClock(text) else { return false }
        let date = CalendarDate(wallClock: seconds)
        for slot in slots { set(slot.feature, slot.part.value(of: date)) }
        return true
    }

    /// ``fill(_:_:)`` of a string.
    public func fill(_ text: String, _ set: (Int, Double) -> Void) -> Bool {
        var text = text
        return text.withUTF8 { fill($0, set) }
    }
}
