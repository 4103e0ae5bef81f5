/// Numbers and arrays as `JSONEncoder` writes them, for the writers that produce its bytes without its
/// per-element cost (``TreeEnsembleJSON``, `DataProfile.encoded()`): a Double is its shortest round-tripping
/// description without a trailing `.0` (`1`, `-0`, `0.1`, `1e-07`, `1e+21`).
enum EncoderText {
    static func number(_ value: Double, into bytes: inout [UInt8]) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes += Array(text.utf8)
    }

    static func numbers(_ values: [Double], into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            number(value, into: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    static func integers(_ values: [Int], into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Array(String(value).utf8)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
