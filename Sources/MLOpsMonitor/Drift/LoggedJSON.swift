import Foundation
import MLOpsLearn

/// A scanner for the JSON the serving log holds (`inputs`: an object of arrays; `outputs`, labels: an array or a
/// value), reading values straight from the bytes: a million logged requests are parsed in well under a second,
/// where a general JSON decoder would build a dictionary of boxed values for each. Anything it does not expect
/// makes it fail, and the caller skips that request.
struct LoggedJSON {
    /// A scalar of the log.
    enum Value {
        case number(Double)
        case text(String)
        case null
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return position >= bytes.count
        }
    }

    mutating func skipSpace() {
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
    }

    /// Consumes `byte` (after white space) when it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// A string (the opening quote next); escapes are decoded by Foundation's parser, which is rare in logs.
    mutating func string() -> String? {
        guard take(0x22) else { return nil }
        let start = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x5C {
                escaped = true
                position += 2
                continue
            }
            if byte == 0x22 {
                let body = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard escaped else { return String(decoding: body, as: UTF8.self) }
                let quoted = Data([0x22] + Array(body) + [0x22])
                return try? JSONDecoder().decode(String.self, from: quoted)
            }
            position += 1
        }
        return nil
    }

    /// Consumes the string `"expected"` when it is next, byte for byte (no escapes); otherwise consumes nothing.
    /// The log writes features in the model's order, so a key is usually the one expected, and comparing bytes
    /// saves making and hashing a string for every value of every request.
    mutating func take(key expected: [UInt8]) -> Bool {
        skipSpace()
        let end = position + expected.count + 2
        guard end <= bytes.count, bytes[position] == 0x22, bytes[end - 1] == 0x22 else { return false }
        for (offset, byte) in expected.enumerated() where bytes[position + 1 + offset] != byte { return false }
        position = end
        return true
    }

    /// A number, string, boolean (as its text) or null.
    mutating func value() -> Value? {
        guard let first = peek() else { return nil }
        switch first {
        case 0x22: return string().map(Value.text)
        case 0x6E: return literal("null") ? .null : nil
        case 0x74: return literal("true") ? .text("true") : nil
        case 0x66: return literal("false") ? .text("false") : nil
        default:
            let start = position
            while position < bytes.count, !Self.endsValue(bytes[position]) { position += 1 }
            return NumberText.parse(UnsafeBufferPointer(rebasing: bytes[start..<position])).map(Value.number)
        }
    }

    /// Calls `body` with each value of an array (or the single value where the array would be) and returns how
    /// many there were; nil when the text is not such an array. No array is built: a window parses millions.
    mutating func forEachValue(_ body: (Value) -> Void) -> Int? {
        guard take(0x5B) else {
            guard let single = value() else { return nil }
            body(single)
            return 1
        }
        if take(0x5D) { return 0 }
        var count = 0
        repeat {
            guard let value = value() else { return nil }
            body(value)
            count += 1
        } while take(0x2C)
        return take(0x5D) ? count : nil
    }

    /// The values of an array, or the single value where the array would be.
    mutating func values() -> [Value]? {
        var values: [Value] = []
        return forEachValue { values.append($0) } == nil ? nil : values
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func endsValue(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == 0x2C || byte == 0x5D || byte == 0x7D
    }

    private mutating func literal(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count else { return false }
        for (offset, byte) in utf8.enumerated() where bytes[position + offset] != byte { return false }
        position += utf8.count
        return true
    }
}
