/// An ONNX graph under construction — nodes, constant tensors, inputs and outputs — encoded as a `ModelProto`
/// (IR version 8, default opset 13, `ai.onnx.ml` opset 3).
struct ONNXGraph {
    /// ONNX tensor element types.
    enum ElementType: Int64 {
        case float = 1
        case int64 = 7
        case string = 8
        case double = 11
    }

    /// A node attribute value.
    enum Attribute {
        case int(Int64)
        case float(Float)
        case string(String)
        case ints([Int64])
        case floats([Float])
        case strings([String])
        case doubles([Double])

        var type: Int64 {
            switch self {
            case .float: return 1
            case .int: return 2
            case .string: return 3
            case .doubles: return 4  // a TENSOR of doubles
            case .floats: return 6
            case .ints: return 7
            case .strings: return 8
            }
        }
    }

    private struct Node {
        var op: String
        var domain: String
        var inputs: [String]
        var outputs: [String]
        var attributes: [(String, Attribute)]
    }

    private struct Constant {
        var name: String
        var dims: [Int64]
        var doubles: [Double]?
        var int64s: [Int64]?
    }

    private var nodes: [Node] = []
    private var constants: [Constant] = []
    private var inputs: [(String, ElementType, Int64)] = []
    private var outputs: [(String, ElementType, Int64)] = []
    private var counter = 0

    /// Declares a graph input of shape `[N, width]`.
    mutating func input(_ name: String, _ type: ElementType, width: Int64 = 1) { inputs.append((name, type, width)) }

    /// Declares a graph output of shape `[N, width]`, naming an existing value.
    mutating func output(_ name: String, _ type: ElementType, width: Int64) { outputs.append((name, type, width)) }

    /// A constant tensor of doubles.
    mutating func constant(_ values: [Double], dims: [Int64]) -> String {
        counter += 1
        let name = "_mlops_c\(counter)"
        constants.append(Constant(name: name, dims: dims, doubles: values, int64s: nil))
        return name
    }

    /// A constant tensor of int64s.
    mutating func constant(int64s values: [Int64]) -> String {
        counter += 1
        let name = "_mlops_c\(counter)"
        constants.append(Constant(name: name, dims: [Int64(values.count)], doubles: nil, int64s: values))
        return name
    }

    /// Adds a node and returns the name of its (single) output; `output` names it explicitly.
    @discardableResult
    mutating func add(
        _ op: String, domain: String = "", _ inputs: [String], _ attributes: [(String, Attribute)] = [],
        output: String? = nil
    ) -> String {
        counter += 1
        let name = output ?? "_mlops_v\(counter)"
        nodes.append(Node(op: op, domain: domain, inputs: inputs, outputs: [name], attributes: attributes))
        return name
    }

    /// The model as ONNX protobuf bytes, with `metadata` as its metadata properties.
    func encoded(producerVersion: String, metadata: [(String, String)] = []) -> [UInt8] {
        var model = ProtobufWriter()
        model.int(1, 8)  // ir_version
        model.string(2, "mlops")
        model.string(3, producerVersion)
        model.message(7) { graph in
            for node in nodes {
                graph.message(1) { proto in
                    for input in node.inputs { proto.string(1, input) }
                    for output in node.outputs { proto.string(2, output) }
                    proto.string(3, node.outputs[0] + "_node")
                    proto.string(4, node.op)
                    for (name, value) in node.attributes { proto.message(5) { Self.encode(name, value, into: &$0) } }
                    if !node.domain.isEmpty { proto.string(7, node.domain) }
                }
            }
            graph.string(2, "mlops")
            for constant in constants {
                graph.message(5) { tensor in
                    tensor.packedInts(1, constant.dims)
                    if let doubles = constant.doubles {
                        tensor.int(2, ElementType.double.rawValue)
                        tensor.packedDoubles(10, doubles)
                    } else if let int64s = constant.int64s {
                        tensor.int(2, ElementType.int64.rawValue)
                        tensor.packedInts(7, int64s)
                    }
                    tensor.string(8, constant.name)
                }
            }
            for (name, type, width) in inputs { graph.message(11) { Self.valueInfo(name, type, width, into: &$0) } }
            for (name, type, width) in outputs { graph.message(12) { Self.valueInfo(name, type, width, into: &$0) } }
        }
        for (domain, version) in [("", Int64(13)), ("ai.onnx.ml", Int64(3))] {
            model.message(8) { opset in
                opset.string(1, domain)
                opset.int(2, version)
            }
        }
        for (key, value) in metadata {
            model.message(14) { entry in
                entry.string(1, key)
                entry.string(2, value)
            }
        }
        return model.bytes
    }

    private static func valueInfo(_ name: String, _ type: ElementType, _ width: Int64, into proto: inout ProtobufWriter)
    {
        proto.string(1, name)
        proto.message(2) { typeProto in
            typeProto.message(1) { tensor in
                tensor.int(1, type.rawValue)
                tensor.message(2) { shape in
                    shape.message(1) { $0.string(2, "N") }
                    shape.message(1) { $0.int(1, width) }
                }
            }
        }
    }

    private static func encode(_ name: String, _ value: Attribute, into proto: inout ProtobufWriter) {
        proto.string(1, name)
        proto.int(20, value.type)
        switch value {
        case .float(let number): proto.float(2, number)
        case .int(let number): proto.int(3, number)
        case .string(let text): proto.string(4, text)
        case .doubles(let numbers):
            proto.message(5) { tensor in
                tensor.packedInts(1, [Int64(numbers.count)])
                tensor.int(2, ElementType.double.rawValue)
                tensor.packedDoubles(10, numbers)
            }
        case .floats(let numbers): proto.packedFloats(7, numbers)
        case .ints(let numbers): proto.packedInts(8, numbers)
        case .strings(let texts): for text in texts { proto.string(9, text) }
        }
    }
}
