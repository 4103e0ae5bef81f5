/// Reads the numbers, separators and zone of a date or time from the front of a field: what ``Timestamp``
/// (ISO 8601) and ``DatetimeFormat`` (strptime-style patterns) both parse with.
struct DateTextReader {
    let text: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    init(_ text: UnsafeBufferPointer<UInt8>) { self.text = text }

    var atEnd: Bool { position == text.count }

    /// The next byte, or nil at the end.
    var next: UInt8? { atEnd ? nil : text[position] }

    /// Up to `maximum` decimal digits as a number, or nil when fewer than `minimum` are there.
    mutating func number(minimum: Int, maximum: Int) -> Int? {
        var value = 0
        let start = position
        while position - start < maximum, let byte = next, Self.isDigit(byte) {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            position += 1
        }
        return position - start >= minimum ? value : nil
    }

    /// Exactly `width` decimal digits as a number.
    mutating func number(_ width: Int) -> Int? { number(minimum: width, maximum: width) }

    /// One to nine digits after a decimal mark, as a fraction of a second.
    mutating func fraction() -> Double? {
        var value = 0.0
        var scale = 1.0
        let start = position
        while position - start < 9, let byte = next, Self.isDigit(byte) {
            scale /= 10
            value += Double(byte - UInt8(ascii: "0")) * scale
            position += 1
        }
        return position > start ? value : nil
    }

    /// A zone's offset from UTC in seconds: `Z`, or `±hh` optionally followed by two minute digits, with or
    /// without a colon (`+05:3` and `+053` are not zones); nil for anything else.
    mutating func zoneOffset() -> Double? {
        if skip(UInt8(ascii: "Z")) { return 0 }
        let sign: Double
        if skip(UInt8(ascii: "+")) {
            sign = 1
        } else if skip(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let hours = number(2), hours <= 14 else { return nil }
        var minutes = 0
        if skip(UInt8(ascii: ":")) || next.map(Self.isDigit) == true {
            guard let value = number(2), value < 60 else { return nil }
            minutes = value
        }
        // 13:30+02:00 is 11:30 in UTC.
        return sign * Double(hours * 3600 + minutes * 60)
    }

    /// Steps over `count` bytes, returning them, or nil when fewer are left.
    mutating func take(_ count: Int) -> UnsafeBufferPointer<UInt8>.SubSequence? {
        guard text.count - position >= count else { return nil }
        defer { position += count }
        return text[position..<(position + count)]
    }

    /// Steps over `byte` when it is next.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        position += 1
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
}
