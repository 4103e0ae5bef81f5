/// Writes Protocol Buffers wire format: enough of it to produce ONNX models without a protobuf dependency.
///
/// Fields are written in the order they are added; repeated numeric fields are packed, which every conforming
/// parser accepts for proto2 and proto3 alike.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    /// An int32/int64/enum/bool field.
    mutating func int(_ field: Int, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }

    mutating func fixed64(_ field: Int, _ value: UInt64) {
        key(field, 1)
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func data(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: Int, _ value: String) { data(field, Array(value.utf8)) }

    /// A nested message.
    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        data(field, nested.bytes)
    }

    mutating func packedInts(_ field: Int, _ values: [Int64]) {
        var packed = ProtobufWriter()
        for value in values { packed.varint(UInt64(bitPattern: value)) }
        data(field, packed.bytes)
    }

    mutating func packedFloats(_ field: Int, _ values: [Float]) {
        var packed: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { packed += $0 } }
        data(field, packed)
    }

    mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        var packed: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { packed += $0 } }
        data(field, packed)
    }
}

extension ProtobufWriter {
    /// Copies a field as ``ProtobufReader`` read it.
    mutating func field(_ number: Int, _ value: ProtobufReader.Value, from reader: ProtobufReader) {
        switch value {
        case .varint(let number64): int(number, Int64(bitPattern: number64))
        case .fixed32(let bits): float(number, Float(bitPattern: bits))
        case .fixed64(let bits): fixed64(number, bits)
        case .bytes(let range): data(number, Array(reader.bytes(range)))
        }
    }
}
