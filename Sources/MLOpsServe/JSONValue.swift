/// A parsed JSON document, as small as request bodies need: objects keep their members in order (request
/// objects are small, so lookup is a short scan).
///
/// Requests are parsed by ``JSONReader`` rather than Foundation: on the serving path Foundation's
/// `JSONSerialization` (bridged `Any` values and dynamic casts) and `JSONDecoder` (unspecialized generic
/// containers) each cost more than the rest of a one-row request together (measured with perf, see
/// docs/benchmarks.md).
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a.elementsEqual(b) { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member `key` of an object (nil for other values or a missing member).
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var string: String? { if case .string(let text) = self { text } else { nil } }
    var array: [JSONValue]? { if case .array(let values) = self { values } else { nil } }
    var isObject: Bool { if case .object = self { true } else { false } }

    /// What kind of value this is, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// An integral number as `Int`.
    var integer: Int? {
        guard case .number(let number) = self, number == number.rounded(), abs(number) < 9e15 else { return nil }
        return Int(number)
    }

    /// The value as one feature value, or nil for arrays, objects and booleans.
    var featureValue: FeatureValue? {
        switch self {
        case .null: .missing
        case .bool: nil  // true is not a number; BOOL tensors convert booleans themselves
        case .number(let number): .number(number)
        case .string(let text): .text(text)
        case .array, .object: nil
        }
    }

    /// The value written back as compact JSON.
    func write(into json: inout JSONWriter) {
        switch self {
        case .null: json.raw("null")
        case .bool(let flag): json.raw(flag ? "true" : "false")
        case .number(let number): json.number(number)
        case .string(let text): json.string(text)
        case .array(let values): json.array(values) { json, value in value.write(into: &json) }
        case .object(let members):
            json.raw("{")
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { json.raw(",") }
                json.string(key)
                json.raw(":")
                value.write(into: &json)
            }
            json.raw("}")
        }
    }
}

/// One JSON value given for a feature: a number, a string, or null (missing). Booleans read as 1 or 0.
enum FeatureValue: Sendable {
    case number(Double)
    case text(String)
    case missing
}

/// A strict RFC 8259 parser over bytes.
struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0
    /// Deeper nesting than any request needs is refused, so a hostile body cannot exhaust the stack.
    private static let maximumDepth = 64

    /// Parses one JSON document from `bytes`.
    static func parse(_ bytes: some Collection<UInt8>) throws(RequestError) -> JSONValue {
        let result: Result<JSONValue, RequestError>? = bytes.withContiguousStorageIfAvailable { buffer in
            var reader = JSONReader(bytes: buffer)
            return Result { () throws(RequestError) -> JSONValue in try reader.document() }
        }
        if let result { return try result.get() }
        return try parse(Array(bytes))
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func document() throws(RequestError) -> JSONValue {
        let value = try self.value(depth: 0)
        skipWhitespace()
        guard offset == bytes.count else { throw problem("unexpected text after the JSON value") }
        return value
    }

    private func problem(_ message: String) -> RequestError {
        .badRequest("the body is not valid JSON: \(message) at byte \(offset)")
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(RequestError) -> JSONValue {
        skipWhitespace()
        guard offset < bytes.count else { throw problem("the body ends where a value should be") }
        guard depth < Self.maximumDepth else { throw problem("nesting deeper than \(Self.maximumDepth) levels") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            offset += 1
            var members: [(String, JSONValue)] = []
            var names = Set<String>()
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                    throw problem("expected a member name")
                }
                let key = try string()
                // A repeated member would let two parts of a client disagree about its value; refuse it. Small
                // objects (a row) are scanned; large ones keep a set, so a wide object costs linear time.
                let repeated: Bool
                if members.count < 16 {
                    repeated = members.contains { $0.0 == key }
                } else {
                    if names.isEmpty { names = Set(members.map(\.0)) }
                    repeated = !names.insert(key).inserted
                }
                guard !repeated else { throw problem("the member \"\(key.prefix(64))\" appears twice in one object") }
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw problem("expected ':'") }
                offset += 1
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard offset < bytes.count else { throw problem("unterminated object") }
                if bytes[offset] == UInt8(ascii: ",") {
                    offset += 1
                } else if bytes[offset] == UInt8(ascii: "}") {
                    offset += 1
                    return .object(members)
                } else {
                    throw problem("expected ',' or '}'")
                }
            }
        case UInt8(ascii: "["):
            offset += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(elements)
            }
            while true {
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard offset < bytes.count else { throw problem("unterminated array") }
                if bytes[offset] == UInt8(ascii: ",") {
                    offset += 1
                } else if bytes[offset] == UInt8(ascii: "]") {
                    offset += 1
                    return .array(elements)
                } else {
                    throw problem("expected ',' or ']'")
                }
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default:
            return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(RequestError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count,
            (0..<count).allSatisfy({ bytes[offset + $0] == word.utf8Start[$0] })
        else { throw problem("unexpected character") }
        offset += count
        return value
    }

    private mutating func number() throws(RequestError) -> Double {
        let start = offset
        while offset < bytes.count, Self.isNumberByte(bytes[offset]) { offset += 1 }
        let token = UnsafeBufferPointer(rebasing: bytes[start..<offset])
        guard Self.isJSONNumber(token) else {
            offset = start
            throw problem(
                token.isEmpty
                    ? "unexpected character" : "'\(String(decoding: token, as: UTF8.self))' is not a JSON number")
        }
        let negative = token[0] == UInt8(ascii: "-")
        let digits = token.count - (negative ? 1 : 0)
        // Short integers, the common case, without going through text.
        if digits <= 15, token.dropFirst(negative ? 1 : 0).allSatisfy(Self.isDigit) {
            var value = 0
            for byte in token.dropFirst(negative ? 1 : 0) { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
            return negative ? -Double(value) : Double(value)
        }
        guard let value = Double(String(decoding: token, as: UTF8.self)), value.isFinite else {
            throw problem("'\(String(decoding: token, as: UTF8.self))' is out of range")
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private static func isJSONNumber(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func digits() -> Int {
            let first = index
            while index < token.count, isDigit(token[index]) { index += 1 }
            return index - first
        }
        if index < token.count, token[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || token[integerStart] != UInt8(ascii: "0") else { return false }
        if index < token.count, token[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < token.count, token[index] == UInt8(ascii: "e") || token[index] == UInt8(ascii: "E") {
            index += 1
            if index < token.count, token[index] == UInt8(ascii: "+") || token[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { return false }
        }
        return index == token.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    private mutating func string() throws(RequestError) -> String {
        offset += 1
        let start = offset
        // Fast path: no escapes.
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                offset += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw problem("a control character inside a string") }
            offset += 1
        }
        var scalars = Array(bytes[start..<offset])
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { break }
                let escape = bytes[offset]
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                        bytes[offset + 1] == UInt8(ascii: "u")
                    {
                        offset += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw problem("an unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw problem("an unpaired surrogate") }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw problem("an unknown escape")
                }
            default:
                guard byte >= 0x20 else { throw problem("a control character inside a string") }
                scalars.append(byte)
            }
        }
        throw problem("an unterminated string")
    }

    private mutating func hex4() throws(RequestError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw problem("a short \\u escape") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            offset += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw problem("a bad \\u escape")
            }
            code = code << 4 | UInt32(digit)
        }
        return code
    }
}
