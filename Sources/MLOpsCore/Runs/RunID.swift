import Foundation

/// Run identifiers: UUID version 7 (RFC 9562), whose first 48 bits are the creation time in milliseconds, so ids
/// sort by time and are unique across machines without coordination (clones can merge their runs by union).
public enum RunID {
    /// How many characters of an id people see in tables: the millisecond timestamp and the sub-millisecond
    /// fraction, which tell apart even runs started together (such as parallel tuning trials).
    public static let displayLength = 18

    /// A new id for a run created at `date`, as lowercase hyphenated text.
    public static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let time = max(0, date.timeIntervalSince1970 * 1000)
        let milliseconds = UInt64(time)
        // RFC 9562 method 3: the 12 `rand_a` bits carry the sub-millisecond fraction, so ids stay time-ordered
        // within a millisecond and their displayed prefix differs.
        let fraction = UInt16(min(4095, (time - Double(milliseconds)) * 4096))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8((milliseconds >> (8 * UInt64(5 - index))) & 0xFF) }
        for index in 8..<16 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = 0x70 | UInt8(fraction >> 8)  // version 7
        bytes[7] = UInt8(fraction & 0xFF)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// Whether `text` could be (a prefix of) a run id: hexadecimal digits and hyphens.
    public static func isPlausiblePrefix(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isHexDigit || $0 == "-" }
    }
}
