/// One node of a graph, compiled: its attributes read and checked, ready to run on any batch.
protocol ONNXOperator: Sendable {
    /// Computes the node's outputs from its inputs (nil for an omitted optional input).
    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue]
}

/// The strings of one evaluation: the program's vocabulary (every string its graph names, codes 0…) and any
/// text an operator makes from numbers (`Cast` to string), appended for the evaluation's duration.
final class ONNXStrings {
    private var vocabulary: ONNXVocabulary

    init(_ vocabulary: ONNXVocabulary) { self.vocabulary = vocabulary }

    /// The text of a code (empty for -1, text the graph never names).
    func text(_ code: Int32) -> String {
        code >= 0 && Int(code) < vocabulary.texts.count ? vocabulary.texts[Int(code)] : ""
    }

    /// The code of `text`, added when it is new.
    func code(_ text: String) -> Int32 { vocabulary.intern(text) }
}

/// Every string a graph names (attributes and constants), each with its code.
struct ONNXVocabulary: Sendable {
    private(set) var texts: [String] = []
    private(set) var codes: [String: Int32] = [:]

    /// The code of `text`, adding it.
    mutating func intern(_ text: String) -> Int32 {
        if let code = codes[text] { return code }
        let code = Int32(texts.count)
        texts.append(text)
        codes[text] = code
        return code
    }

    /// The code of `text`, or -1 when the graph never names it.
    func code(_ text: String) -> Int32 { codes[text] ?? -1 }
}

/// Why a node cannot be compiled: the operator is not one mlops evaluates, or its attributes are invalid.
enum ONNXCompileError: Error {
    case unsupported(String)
    case invalid(String)
}

/// A node's attributes and inputs as an operator's compiler reads them, with errors that name the node.
struct ONNXNodeReader {
    let node: ONNXDocument.Node
    /// The opset version of the node's domain.
    let opset: Int64
    let constants: [String: ONNXTensor]

    /// `node 'name' (OpType)`, for messages.
    var label: String { node.name.isEmpty ? node.opType : "'\(node.name)' (\(node.opType))" }

    func invalid(_ problem: String) -> ONNXCompileError { .invalid("node \(label): \(problem)") }

    func int(_ name: String, default value: Int64? = nil) throws(ONNXCompileError) -> Int64 {
        switch node.attributes[name] {
        case .int(let found): return found
        case nil:
            guard let value else { throw invalid("attribute '\(name)' is missing") }
            return value
        default: throw invalid("attribute '\(name)' is not an integer")
        }
    }

    func float(_ name: String, default value: Float) throws(ONNXCompileError) -> Float {
        switch node.attributes[name] {
        case .float(let found): return found
        case nil: return value
        default: throw invalid("attribute '\(name)' is not a float")
        }
    }

    func string(_ name: String, default value: String) throws(ONNXCompileError) -> String {
        switch node.attributes[name] {
        case .string(let found): return found
        case nil: return value
        default: throw invalid("attribute '\(name)' is not a string")
        }
    }

    func ints(_ name: String) throws(ONNXCompileError) -> [Int64]? {
        switch node.attributes[name] {
        case .ints(let found): return found
        case .int(let found): return [found]
        case nil: return nil
        default: throw invalid("attribute '\(name)' is not a list of integers")
        }
    }

    /// A list of numbers given as floats, or as a tensor (`name_as_tensor`, doubles) when that is present.
    func numbers(_ name: String) throws(ONNXCompileError) -> [Double]? {
        if case .tensor(let tensor) = node.attributes[name + "_as_tensor"] { return tensor.numbers }
        switch node.attributes[name] {
        case .floats(let found): return found.map(Double.init)
        case .float(let found): return [Double(found)]
        case .tensor(let tensor): return tensor.numbers
        case nil: return nil
        default: throw invalid("attribute '\(name)' is not a list of numbers")
        }
    }

    func strings(_ name: String) throws(ONNXCompileError) -> [String]? {
        switch node.attributes[name] {
        case .strings(let found): return found
        case .string(let found): return [found]
        case .tensor(let tensor) where tensor.type == .string: return tensor.strings
        case nil: return nil
        default: throw invalid("attribute '\(name)' is not a list of strings")
        }
    }

    func tensor(_ name: String) throws(ONNXCompileError) -> ONNXDocument.Constant? {
        switch node.attributes[name] {
        case .tensor(let found): return found
        case nil: return nil
        default: throw invalid("attribute '\(name)' is not a tensor")
        }
    }

    /// The constant value of input `index` (an initializer or a `Constant` node's output), nil when the input
    /// is omitted or computed.
    func constantInput(_ index: Int) -> ONNXTensor? {
        guard index < node.inputs.count, !node.inputs[index].isEmpty else { return nil }
        return constants[node.inputs[index]]
    }
}

extension ONNXValue {
    /// The tensor, or an error naming what the operator expected.
    func tensor(_ operation: String) throws(ONNXEvaluationError) -> ONNXTensor {
        guard case .tensor(let tensor) = self else {
            throw ONNXEvaluationError(problem: "\(operation) needs a tensor, not a sequence of maps")
        }
        return tensor
    }
}

extension Array where Element == ONNXValue? {
    /// Input `index` as a tensor; an error when it is missing.
    func tensor(_ index: Int, _ operation: String) throws(ONNXEvaluationError) -> ONNXTensor {
        guard index < count, let value = self[index] else {
            throw ONNXEvaluationError(problem: "\(operation) is missing input \(index + 1)")
        }
        return try value.tensor(operation)
    }

    /// Input `index` as a tensor of numbers; an error when it is missing or holds strings.
    func numbers(_ index: Int, _ operation: String) throws(ONNXEvaluationError) -> ONNXTensor {
        let tensor = try self.tensor(index, operation)
        guard tensor.type != .string else {
            throw ONNXEvaluationError(problem: "\(operation) needs numbers, but input \(index + 1) holds strings")
        }
        return tensor
    }

    /// Input `index` as a tensor, or nil when it is omitted.
    func optionalTensor(_ index: Int, _ operation: String) throws(ONNXEvaluationError) -> ONNXTensor? {
        guard index < count, let value = self[index] else { return nil }
        return try value.tensor(operation)
    }
}
