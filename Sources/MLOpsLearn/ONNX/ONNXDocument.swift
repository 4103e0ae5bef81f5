/// The parts of an ONNX `ModelProto` an evaluator needs, read from its bytes: opsets, producer, metadata and the
/// graph (nodes, initializers, inputs and outputs with their types). Fields mlops does not use are skipped.
struct ONNXDocument {
    /// A tensor's element type (`TensorProto.DataType`).
    enum ElementType: Int, Sendable {
        case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
        case float16 = 10, double = 11, uint32 = 12, uint64 = 13

        /// Whether values of this type are whole numbers (kept as `Double` holding an integer).
        var isInteger: Bool {
            switch self {
            case .uint8, .int8, .uint16, .int16, .int32, .int64, .uint32, .uint64, .bool: return true
            case .float, .float16, .double, .string: return false
            }
        }

        /// Whether an integer type holds `value` exactly (a whole number in its range; never NaN).
        func holds(_ value: Double) -> Bool {
            guard value == value.rounded() else { return false }
            switch self {
            case .bool: return value == 0 || value == 1
            case .uint8: return value >= 0 && value <= 255
            case .int8: return value >= -128 && value <= 127
            case .uint16: return value >= 0 && value <= 65_535
            case .int16: return value >= -32_768 && value <= 32_767
            case .int32: return value >= -2_147_483_648 && value <= 2_147_483_647
            case .uint32: return value >= 0 && value <= 4_294_967_295
            default: return abs(value) < 9.2e18
            }
        }

        /// Its name in ONNX's type notation (`tensor(float)`).
        var name: String {
            switch self {
            case .float: return "float"
            case .uint8: return "uint8"
            case .int8: return "int8"
            case .uint16: return "uint16"
            case .int16: return "int16"
            case .int32: return "int32"
            case .int64: return "int64"
            case .string: return "string"
            case .bool: return "bool"
            case .float16: return "float16"
            case .double: return "double"
            case .uint32: return "uint32"
            case .uint64: return "uint64"
            }
        }
    }

    /// A constant tensor: an initializer or a tensor attribute. Numbers are kept as `Double` (exact for every
    /// float and every integer below 2⁵³), strings as text.
    struct Constant {
        var type: ElementType
        var shape: [Int]
        var numbers: [Double] = []
        var strings: [String] = []
    }

    /// A node attribute's value.
    enum Attribute {
        case float(Float)
        case int(Int64)
        case string(String)
        case tensor(Constant)
        case floats([Float])
        case ints([Int64])
        case strings([String])
        /// A kind mlops does not evaluate (a subgraph, a sparse tensor, a type).
        case unsupported(kind: Int)
    }

    /// The type of a graph input or output.
    indirect enum ValueType {
        /// A tensor; a dimension is nil when it is symbolic (the batch) or unknown; the shape is nil when absent.
        case tensor(ElementType?, shape: [Int?]?)
        case sequence(ValueType)
        case map(key: ElementType?, value: ValueType)
        case other

        /// Its ONNX notation, for messages: `tensor(float)`, `seq(map(int64,tensor(float)))`.
        var description: String {
            switch self {
            case .tensor(let type, _): return "tensor(\(type?.name ?? "?"))"
            case .sequence(let element): return "seq(\(element.description))"
            case .map(let key, let value): return "map(\(key?.name ?? "?"),\(value.description))"
            case .other: return "an unsupported type"
            }
        }
    }

    struct Value {
        var name: String
        var type: ValueType
    }

    struct Node {
        var name: String
        var opType: String
        /// The operator's domain: "" for the default `ai.onnx`, `ai.onnx.ml` for the ML operators.
        var domain: String
        var inputs: [String]
        var outputs: [String]
        var attributes: [String: Attribute]
    }

    var irVersion: Int64 = 0
    /// Domain → opset version; the default domain is "".
    var opsets: [String: Int64] = [:]
    var producerName = ""
    var producerVersion = ""
    var metadata: [String: String] = [:]
    var nodes: [Node] = []
    var initializers: [String: Constant] = [:]
    var inputs: [Value] = []
    var outputs: [Value] = []

    /// Parses a serialized `ModelProto`.
    init(_ bytes: [UInt8]) throws(ProtobufReader.Malformed) {
        var reader = ProtobufReader(bytes)
        var sawGraph = false
        while let (field, value) = try reader.next() {
            switch (field, value) {
            case (1, .varint(let version)): irVersion = Int64(truncatingIfNeeded: version)
            case (2, .bytes(let range)): producerName = reader.string(range)
            case (3, .bytes(let range)): producerVersion = reader.string(range)
            case (7, .bytes(let range)):
                sawGraph = true
                try readGraph(reader.message(range))
            case (8, .bytes(let range)):
                var opset = reader.message(range)
                var domain = ""
                var version: Int64 = 0
                while let (field, value) = try opset.next() {
                    if field == 1, case .bytes(let text) = value { domain = opset.string(text) }
                    if field == 2, case .varint(let number) = value { version = Int64(truncatingIfNeeded: number) }
                }
                opsets[domain == "ai.onnx" ? "" : domain] = version
            case (14, .bytes(let range)):
                var entry = reader.message(range)
                var key = ""
                var text = ""
                while let (field, value) = try entry.next() {
                    guard case .bytes(let bytes) = value else { continue }
                    if field == 1 { key = entry.string(bytes) }
                    if field == 2 { text = entry.string(bytes) }
                }
                metadata[key] = text
            default: continue
            }
        }
        guard sawGraph else { throw ProtobufReader.Malformed(problem: "it has no graph") }
    }

    private mutating func readGraph(_ graph: ProtobufReader) throws(ProtobufReader.Malformed) {
        var reader = graph
        while let (field, value) = try reader.next() {
            guard case .bytes(let range) = value else { continue }
            switch field {
            case 1: nodes.append(try Self.node(reader.message(range)))
            case 5:
                let (name, constant) = try Self.tensor(reader.message(range))
                initializers[name] = constant
            case 11: inputs.append(try Self.value(reader.message(range)))
            case 12: outputs.append(try Self.value(reader.message(range)))
            case 15: throw ProtobufReader.Malformed(problem: "sparse initializers are not supported")
            default: continue
            }
        }
    }

    private static func node(_ message: ProtobufReader) throws(ProtobufReader.Malformed) -> Node {
        var reader = message
        var node = Node(name: "", opType: "", domain: "", inputs: [], outputs: [], attributes: [:])
        while let (field, value) = try reader.next() {
            guard case .bytes(let range) = value else { continue }
            switch field {
            case 1: node.inputs.append(reader.string(range))
            case 2: node.outputs.append(reader.string(range))
            case 3: node.name = reader.string(range)
            case 4: node.opType = reader.string(range)
            case 7: node.domain = reader.string(range) == "ai.onnx" ? "" : reader.string(range)
            case 5:
                let (name, attribute) = try self.attribute(reader.message(range))
                node.attributes[name] = attribute
            default: continue
            }
        }
        return node
    }

    private static func attribute(
        _ message: ProtobufReader
    ) throws(ProtobufReader.Malformed) -> (String, Attribute) {
        var reader = message
        var name = ""
        var kind = 0
        var float: Float = 0
        var int: Int64 = 0
        var string = ""
        var tensor: Constant?
        var floats: [Float] = []
        var ints: [Int64] = []
        var strings: [String] = []
        while let (field, value) = try reader.next() {
            switch (field, value) {
            case (1, .bytes(let range)): name = reader.string(range)
            case (20, .varint(let number)): kind = Int(truncatingIfNeeded: number)
            case (2, .fixed32(let bits)): float = Float(bitPattern: bits)
            case (3, .varint(let number)): int = Int64(bitPattern: number)
            case (4, .bytes(let range)): string = reader.string(range)
            case (5, .bytes(let range)): tensor = try Self.tensor(reader.message(range)).1
            case (7, .fixed32(let bits)): floats.append(Float(bitPattern: bits))
            case (7, .bytes(let range)): floats += try reader.packedFloats(range)
            case (8, .varint(let number)): ints.append(Int64(bitPattern: number))
            case (8, .bytes(let range)): ints += try reader.packedVarints(range).map { Int64(bitPattern: $0) }
            case (9, .bytes(let range)): strings.append(reader.string(range))
            default: continue
            }
        }
        switch kind {
        case 1: return (name, .float(float))
        case 2: return (name, .int(int))
        case 3: return (name, .string(string))
        case 4:
            guard let tensor else { throw ProtobufReader.Malformed(problem: "attribute '\(name)' has no tensor") }
            return (name, .tensor(tensor))
        case 6: return (name, .floats(floats))
        case 7: return (name, .ints(ints))
        case 8: return (name, .strings(strings))
        default: return (name, .unsupported(kind: kind))
        }
    }

    /// The largest number of elements a constant may declare: far beyond any tabular model, small enough that
    /// a malicious header cannot make mlops allocate without bound.
    static let maximumElements = 1 << 28

    private static func tensor(
        _ message: ProtobufReader
    ) throws(ProtobufReader.Malformed) -> (String, Constant) {
        var reader = message
        var name = ""
        var dims: [Int64] = []
        var typeCode = 0
        var numbers: [Double] = []
        var strings: [String] = []
        var raw: ArraySlice<UInt8>?
        var integers: [UInt64] = []
        while let (field, value) = try reader.next() {
            switch (field, value) {
            case (1, .varint(let number)): dims.append(Int64(bitPattern: number))
            case (1, .bytes(let range)): dims += try reader.packedVarints(range).map { Int64(bitPattern: $0) }
            case (2, .varint(let number)): typeCode = Int(truncatingIfNeeded: number)
            case (4, .fixed32(let bits)): numbers.append(Double(Float(bitPattern: bits)))
            case (4, .bytes(let range)): numbers += try reader.packedFloats(range).map(Double.init)
            case (5, .varint(let number)), (7, .varint(let number)), (11, .varint(let number)):
                integers.append(number)
            case (5, .bytes(let range)), (7, .bytes(let range)), (11, .bytes(let range)):
                integers += try reader.packedVarints(range)
            case (6, .bytes(let range)): strings.append(reader.string(range))
            case (8, .bytes(let range)): name = reader.string(range)
            case (9, .bytes(let range)): raw = reader.bytes(range)
            case (10, .fixed64(let bits)): numbers.append(Double(bitPattern: bits))
            case (10, .bytes(let range)): numbers += try reader.packedDoubles(range)
            case (13, _), (14, .varint(1)):
                throw ProtobufReader.Malformed(problem: "tensor '\(name)' keeps its data in an external file")
            default: continue
            }
        }
        guard let type = ElementType(rawValue: typeCode), type != .float16 else {
            throw ProtobufReader.Malformed(problem: "tensor '\(name)' has an unsupported element type \(typeCode)")
        }
        var count = 1
        for dim in dims {
            guard dim >= 0, dim <= maximumElements, count <= maximumElements / max(1, Int(dim)) else {
                throw ProtobufReader.Malformed(problem: "tensor '\(name)' has an impossible shape \(dims)")
            }
            count *= Int(dim)
        }
        var constant = Constant(type: type, shape: dims.map { Int($0) })
        if type == .string {
            constant.strings = strings
        } else if let raw {
            constant.numbers = try decodeRaw(raw, type: type, name: name)
        } else if !integers.isEmpty {
            constant.numbers = integers.map { number in
                switch type {
                case .uint64: return Double(number)
                case .int32, .int16, .int8: return Double(Int32(truncatingIfNeeded: number))
                default: return Double(Int64(bitPattern: number))
                }
            }
        } else {
            constant.numbers = numbers
        }
        let found = type == .string ? constant.strings.count : constant.numbers.count
        guard found == count else {
            throw ProtobufReader.Malformed(
                problem: "tensor '\(name)' holds \(found) values but its shape \(dims) needs \(count)")
        }
        return (name, constant)
    }

    private static func decodeRaw(
        _ raw: ArraySlice<UInt8>, type: ElementType, name: String
    ) throws(ProtobufReader.Malformed) -> [Double] {
        let width: Int
        switch type {
        case .double, .int64, .uint64: width = 8
        case .float, .int32, .uint32: width = 4
        case .int16, .uint16: width = 2
        default: width = 1
        }
        guard raw.count % width == 0 else {
            throw ProtobufReader.Malformed(problem: "tensor '\(name)' has raw data of the wrong length")
        }
        let bytes = Array(raw)
        return stride(from: 0, to: bytes.count, by: width).map { start in
            var bits: UInt64 = 0
            for index in 0..<width { bits |= UInt64(bytes[start + index]) << (8 * index) }
            switch type {
            case .double: return Double(bitPattern: bits)
            case .float: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
            case .int64: return Double(Int64(bitPattern: bits))
            case .int32: return Double(Int32(truncatingIfNeeded: bits))
            case .int16: return Double(Int16(truncatingIfNeeded: bits))
            case .int8: return Double(Int8(truncatingIfNeeded: bits))
            default: return Double(bits)
            }
        }
    }

    private static func value(_ message: ProtobufReader) throws(ProtobufReader.Malformed) -> Value {
        var reader = message
        var value = Value(name: "", type: .other)
        while let (field, item) = try reader.next() {
            guard case .bytes(let range) = item else { continue }
            if field == 1 { value.name = reader.string(range) }
            if field == 2 { value.type = try type(reader.message(range), depth: 0) }
        }
        return value
    }

    private static func type(_ message: ProtobufReader, depth: Int) throws(ProtobufReader.Malformed) -> ValueType {
        guard depth < 8 else { throw ProtobufReader.Malformed(problem: "a type is nested too deeply") }
        var reader = message
        while let (field, item) = try reader.next() {
            guard case .bytes(let range) = item else { continue }
            var inner = reader.message(range)
            switch field {
            case 1:
                var element: ElementType?
                var shape: [Int?]?
                while let (field, item) = try inner.next() {
                    if field == 1, case .varint(let code) = item {
                        element = ElementType(rawValue: Int(truncatingIfNeeded: code))
                    }
                    if field == 2, case .bytes(let dims) = item { shape = try self.shape(inner.message(dims)) }
                }
                return .tensor(element, shape: shape)
            case 4:
                while let (field, item) = try inner.next() {
                    if field == 1, case .bytes(let element) = item {
                        return .sequence(try type(inner.message(element), depth: depth + 1))
                    }
                }
                return .sequence(.other)
            case 5:
                var key: ElementType?
                var valueType = ValueType.other
                while let (field, item) = try inner.next() {
                    if field == 1, case .varint(let code) = item {
                        key = ElementType(rawValue: Int(truncatingIfNeeded: code))
                    }
                    if field == 2, case .bytes(let element) = item {
                        valueType = try type(inner.message(element), depth: depth + 1)
                    }
                }
                return .map(key: key, value: valueType)
            default: continue
            }
        }
        return .other
    }

    private static func shape(_ message: ProtobufReader) throws(ProtobufReader.Malformed) -> [Int?] {
        var reader = message
        var dims: [Int?] = []
        while let (field, item) = try reader.next() {
            guard field == 1, case .bytes(let range) = item else { continue }
            var dimension = reader.message(range)
            var size: Int?
            while let (field, item) = try dimension.next() {
                if field == 1, case .varint(let value) = item, value <= UInt64(maximumElements) { size = Int(value) }
            }
            dims.append(size)
        }
        return dims
    }
}
