/// Reads Protocol Buffers wire format: enough of it to load ONNX models without a protobuf dependency (the
/// counterpart of ``ProtobufWriter``).
///
/// Every read is bounds-checked and every length is checked against what remains, so malformed bytes throw
/// ``Malformed`` and never trap. Unknown fields are for the caller to skip: ``next()`` returns each field with
/// its value already read.
struct ProtobufReader {
    /// Why the bytes are not valid wire format.
    struct Malformed: Error {
        let problem: String
    }

    /// A field's value, by wire type.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        /// A length-delimited value: its bytes' range in the reader's buffer.
        case bytes(Range<Int>)
    }

    private let buffer: [UInt8]
    private var position: Int
    private let end: Int

    /// A reader over `buffer[range]` (all of it when `range` is nil).
    init(_ buffer: [UInt8], range: Range<Int>? = nil) {
        self.buffer = buffer
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? buffer.count
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(Malformed) -> (field: Int, value: Value)? {
        guard position < end else { return nil }
        let key = try varint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0 else { throw Malformed(problem: "a field number is 0") }
        switch key & 7 {
        case 0:
            return (field, .varint(try varint()))
        case 1:
            return (field, .fixed64(try fixed(8)))
        case 5:
            return (field, .fixed32(UInt32(truncatingIfNeeded: try fixed(4))))
        case 2:
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw Malformed(problem: "a field is longer than its message")
            }
            let range = position..<(position + Int(length))
            position = range.upperBound
            return (field, .bytes(range))
        default:
            throw Malformed(problem: "wire type \(key & 7) is not supported")
        }
    }

    /// A reader over a length-delimited field's bytes (a nested message).
    func message(_ range: Range<Int>) -> ProtobufReader { ProtobufReader(buffer, range: range) }

    /// A length-delimited field's bytes as UTF-8 text (invalid sequences repaired).
    func string(_ range: Range<Int>) -> String { String(decoding: buffer[range], as: UTF8.self) }

    /// A length-delimited field's raw bytes.
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> { buffer[range] }

    /// The varints packed into a length-delimited field.
    func packedVarints(_ range: Range<Int>) throws(Malformed) -> [UInt64] {
        var reader = message(range)
        var values: [UInt64] = []
        while reader.position < reader.end { values.append(try reader.varint()) }
        return values
    }

    /// The little-endian 4-byte floats packed into a length-delimited field.
    func packedFloats(_ range: Range<Int>) throws(Malformed) -> [Float] {
        guard range.count % 4 == 0 else { throw Malformed(problem: "packed floats are not a multiple of 4 bytes") }
        return stride(from: range.lowerBound, to: range.upperBound, by: 4).map { start in
            let bits: UInt32 = word(start, 4)
            return Float(bitPattern: bits)
        }
    }

    /// The little-endian 8-byte doubles packed into a length-delimited field.
    func packedDoubles(_ range: Range<Int>) throws(Malformed) -> [Double] {
        guard range.count % 8 == 0 else { throw Malformed(problem: "packed doubles are not a multiple of 8 bytes") }
        return stride(from: range.lowerBound, to: range.upperBound, by: 8).map { start in
            let bits: UInt64 = word(start, 8)
            return Double(bitPattern: bits)
        }
    }

    /// `count` little-endian bytes from `start` (checked by the caller).
    private func word<T: FixedWidthInteger>(_ start: Int, _ count: Int) -> T {
        var value: T = 0
        for index in 0..<count { value |= T(buffer[start + index]) << (8 * index) }
        return value
    }

    private mutating func fixed(_ count: Int) throws(Malformed) -> UInt64 {
        guard end - position >= count else { throw Malformed(problem: "a fixed-size field is cut short") }
        let value: UInt64 = word(position, count)
        position += count
        return value
    }

    private mutating func varint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < end {
            let byte = buffer[position]
            position += 1
            guard shift < 64 else { throw Malformed(problem: "a varint is longer than 10 bytes") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw Malformed(problem: "a varint is cut short")
    }
}
