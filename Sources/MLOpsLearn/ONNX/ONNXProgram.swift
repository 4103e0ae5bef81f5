/// An ONNX graph compiled for evaluation: its nodes as operators in graph order (ONNX requires nodes to be
/// sorted so that each reads only what came before), values in numbered slots, constants made once.
///
/// Building a program checks every node, so a model mlops cannot evaluate is refused when it is registered,
/// with the list of every operator it lacks, never when it serves.
struct ONNXProgram: Sendable {
    private struct Step: Sendable {
        let operation: any ONNXOperator
        /// Slots of the inputs (nil for an omitted optional input).
        let inputs: [Int?]
        let outputs: [Int?]
        /// Slots no later step reads: freed after this one.
        var releases: [Int] = []
        let label: String
    }

    let vocabulary: ONNXVocabulary
    private let steps: [Step]
    private let slotCount: Int
    private let constants: [(slot: Int, value: ONNXTensor)]
    /// The slots of the graph's inputs and outputs, in graph order.
    let inputSlots: [Int]
    let outputSlots: [Int]
    /// What produced each output slot, for finding what a model's outputs mean: the node, or nil.
    let producers: [Int: ONNXDocument.Node]
    let slots: [String: Int]

    /// Why a graph cannot be evaluated: the operators mlops lacks (all of them), or the first invalid node.
    enum Refusal: Error {
        case unsupported([String])
        case invalid(String)
    }

    init(_ document: ONNXDocument) throws(Refusal) {
        var vocabulary = ONNXVocabulary()
        for node in document.nodes {
            for attribute in node.attributes.values {
                switch attribute {
                case .string(let text): _ = vocabulary.intern(text)
                case .strings(let texts): for text in texts { _ = vocabulary.intern(text) }
                case .tensor(let constant): for text in constant.strings { _ = vocabulary.intern(text) }
                default: continue
                }
            }
        }
        for constant in document.initializers.values { for text in constant.strings { _ = vocabulary.intern(text) } }
        self.vocabulary = vocabulary
        let strings = ONNXStrings(vocabulary)

        var slots: [String: Int] = [:]
        func slot(_ name: String) -> Int {
            if let found = slots[name] { return found }
            slots[name] = slots.count
            return slots.count - 1
        }
        var known: [String: ONNXTensor] = [:]
        var constants: [(Int, ONNXTensor)] = []
        for (name, constant) in document.initializers.sorted(by: { $0.key < $1.key }) {
            let tensor = ONNXTensor(constant, strings: strings)
            known[name] = tensor
            constants.append((slot(name), tensor))
        }
        let graphInputs = document.inputs.filter { document.initializers[$0.name] == nil }
        inputSlots = graphInputs.map { slot($0.name) }

        var steps: [Step] = []
        var unsupported: [String] = []
        var producers: [Int: ONNXDocument.Node] = [:]
        var available = Set(slots.keys)
        // A network's chained layers (MatMul, Add, Relu each) become one step; the nodes it replaces are skipped.
        let fusions = DenseLayerOperator.fusions(in: document)
        let fusedAway = Set(fusions.values.flatMap { $0.nodes.dropFirst() })
        for (position, node) in document.nodes.enumerated() where !fusedAway.contains(position) {
            let fusion = fusions[position]
            let (inputs, outputs) = fusion.map { ([$0.input], [$0.output]) } ?? (node.inputs, node.outputs)
            let reader = ONNXNodeReader(
                node: node, opset: document.opsets[node.domain] ?? 1, constants: known)
            for input in inputs where !input.isEmpty && !available.contains(input) {
                throw .invalid("node \(reader.label) reads '\(input)' before anything computes it")
            }
            do {
                let operation: any ONNXOperator
                if let fusion {
                    operation = fusion.operation
                } else {
                    operation = try Self.operation(reader, vocabulary: vocabulary)
                }
                steps.append(
                    Step(
                        operation: operation, inputs: inputs.map { $0.isEmpty ? nil : slots[$0] },
                        outputs: outputs.map { $0.isEmpty ? nil : slot($0) }, label: reader.label))
                // Constant nodes' values are known now, for operators that need constant inputs (Reshape's
                // shape is read at run time, but Unsqueeze's axes at opset 13 are not).
                if node.opType == "Constant", node.domain.isEmpty, let output = node.outputs.first,
                    case .tensor(let value)? = try? operation.run([], strings).first
                {
                    known[output] = value
                }
            } catch {
                switch error {
                case .unsupported(let name): unsupported.append(name)
                case .invalid(let problem): throw .invalid(problem)
                }
            }
            for output in outputs where !output.isEmpty {
                guard !available.contains(output) else {
                    throw .invalid(
                        "'\(Self.printable(output))' is computed twice, or overwrites an input or a constant")
                }
                available.insert(output)
                // A fused layer's value is traced back through its MatMul, whose input has a slot.
                producers[slot(output)] = node
            }
        }
        if !unsupported.isEmpty { throw .unsupported(Array(Set(unsupported)).sorted()) }
        for output in document.outputs where !available.contains(output.name) {
            throw .invalid("the graph's output '\(output.name)' is never computed")
        }
        outputSlots = document.outputs.map { slot($0.name) }

        // Free each value after its last reader; graph outputs are kept.
        var lastReader: [Int: Int] = [:]
        for (index, step) in steps.enumerated() { for case let input? in step.inputs { lastReader[input] = index } }
        for slot in outputSlots { lastReader[slot] = nil }
        let constantSlots = Set(constants.map(\.0))
        for (slot, index) in lastReader where !constantSlots.contains(slot) {
            steps[index].releases.append(slot)
        }
        self.steps = steps
        self.constants = constants
        self.producers = producers
        self.slots = slots
        slotCount = slots.count
    }

    /// The operator for a node, or `unsupported` naming it as `domain:OpType`.
    private static func operation(_ reader: ONNXNodeReader, vocabulary: ONNXVocabulary) throws(ONNXCompileError)
        -> any ONNXOperator
    {
        let type = reader.node.opType
        switch reader.node.domain {
        case "":
            if let operation = try ShapeOperators.compile(reader) { return operation }
            if let operation = try ElementwiseOperator.compile(reader) { return operation }
            if let operation = BroadcastOperator.compile(reader) { return operation }
            switch type {
            case "MatMul", "Gemm": return try MatrixProductOperator.compile(reader)
            case "Softmax", "LogSoftmax": return try SoftmaxOperator.compile(reader)
            case "Where": return WhereOperator()
            default:
                if ReductionOperator.names.contains(type) { return try ReductionOperator.compile(reader) }
            }
        case "ai.onnx.ml":
            switch type {
            case "TreeEnsembleRegressor", "TreeEnsembleClassifier":
                return try TreeEnsembleOperator.compile(reader, vocabulary: vocabulary)
            case "LinearRegressor", "LinearClassifier":
                return try LinearOperator.compile(reader, vocabulary: vocabulary)
            default:
                if let operation = try MLOperators.compile(reader, vocabulary: vocabulary) { return operation }
            }
        default:
            break
        }
        throw .unsupported(printable(reader.node.domain.isEmpty ? type : "\(reader.node.domain):\(type)"))
    }

    /// A name from the model with control characters shown as `\u{…}`, so it cannot break a message's lines.
    static func printable(_ name: String) -> String {
        name.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0)
        }
        .joined()
    }

    /// The most elements the values alive at once may hold (a graph of many large intermediate values is
    /// refused rather than allowed to exhaust memory).
    static let maximumLiveElements = 1 << 26

    /// Evaluates the graph on `inputs` (one tensor per graph input, in order) and returns its outputs in order;
    /// `peak` is raised to the most elements one operator produced.
    func run(_ inputs: [ONNXTensor], peak: inout Int) throws(ONNXEvaluationError) -> [ONNXValue] {
        var values = [ONNXValue?](repeating: nil, count: slotCount)
        for (slot, tensor) in constants { values[slot] = .tensor(tensor) }
        for (slot, tensor) in zip(inputSlots, inputs) { values[slot] = .tensor(tensor) }
        let strings = ONNXStrings(vocabulary)
        var live = inputs.reduce(0) { $0 + $1.count }
        for step in steps {
            let results: [ONNXValue]
            do {
                results = try step.operation.run(step.inputs.map { $0.flatMap { values[$0] } }, strings)
            } catch {
                throw ONNXEvaluationError(problem: "node \(step.label): \(error.problem)")
            }
            for (slot, value) in zip(step.outputs, results) {
                // Every operator's tensors hold exactly their shape's elements; anything else is a bug to refuse,
                // not memory to read.
                if case .tensor(let tensor) = value,
                    tensor.shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue }) != tensor.count
                {
                    throw ONNXEvaluationError(
                        problem:
                            "node \(step.label) made a tensor whose shape \(tensor.shape) does not hold its \(tensor.count) values"
                    )
                }
                peak = max(peak, value.count)
                guard let slot else { continue }
                live += value.count - (values[slot]?.count ?? 0)
                values[slot] = value
            }
            guard live <= Self.maximumLiveElements else {
                throw ONNXEvaluationError(
                    problem: "node \(step.label): the graph holds more than \(Self.maximumLiveElements) values at once")
            }
            for slot in step.releases {
                live -= values[slot]?.count ?? 0
                values[slot] = nil
            }
        }
        var outputs: [ONNXValue] = []
        for slot in outputSlots {
            guard let value = values[slot] else { throw ONNXEvaluationError(problem: "an output was never computed") }
            outputs.append(value)
        }
        return outputs
    }
}
