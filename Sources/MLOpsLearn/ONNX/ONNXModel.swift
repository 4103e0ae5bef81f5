import Foundation
import MLOpsErrors
import MLOpsParallel

/// A model trained elsewhere and kept as ONNX: its bytes exactly as they were registered, the graph compiled
/// for evaluation, and the ``Signature`` read from the graph.
///
/// **Inputs.** Each graph input of shape `[N, 1]` or `[N]` is one feature named like the input (string inputs
/// are categorical, numeric ones numeric). An input of shape `[N, F]` holds F features, named by the metadata
/// property `mlops.features` (a JSON array of every feature name in input order; `model register --features`
/// adds it). **Outputs.** One numeric output is a regression's prediction. A label output (integers or strings)
/// with a probabilities output (an `[N, C]` tensor, or the sequence of maps skl2onnx's ZipMap makes) is a
/// classifier's; the classes are the ZipMap's labels, or the classifier operator's. One probabilities output is a
/// classifier's when the metadata property `mlops.classes` lists its classes (mlops' own exports). The target's name is the
/// metadata property `mlops.target` (`--target`), else `target`.
public struct ONNXModel: Sendable, Hashable {
    /// The model's bytes, as registered.
    public let bytes: Data
    /// The program that produced it (`producer_name` and `producer_version`), e.g. `skl2onnx 1.17.0`.
    public let producer: String
    /// The operator set versions it was exported with, `domain:version` (the default domain as `ai.onnx`).
    public let opsets: [String]
    /// The interface read from the graph.
    public let signature: Signature

    private let program: ONNXProgram
    /// Per graph input: its element type, whether it is 1-D, and the features it holds in order.
    private let bindings: [Binding]
    /// Per feature that is a string input: level code → vocabulary code.
    private let levelCodes: [[Int32]?]
    private let reading: Reading

    private struct Binding: Sendable {
        var type: ONNXDocument.ElementType
        var flat: Bool
        var features: [Int]
    }

    /// Which outputs hold the prediction.
    private enum Reading: Sendable {
        case value(output: Int)
        case probabilities(output: Int)
    }

    public static func == (left: ONNXModel, right: ONNXModel) -> Bool { left.bytes == right.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    /// The metadata keys mlops reads and writes.
    public static let featuresKey = "mlops.features"
    public static let targetKey = "mlops.target"
    /// A classifier's classes as a JSON array, for a graph whose one output is its probabilities (what
    /// `mlops export --format onnx` writes).
    public static let classesKey = "mlops.classes"

    /// Whether `bytes` look like an ONNX model rather than JSON: a protobuf message's first byte is a field key
    /// (`ir_version` is field 1, written first by every exporter), never `{` or whitespace.
    public static func looksLikeONNX(_ bytes: Data) -> Bool {
        guard let first = bytes.first else { return false }
        return first == 0x08 || (first & 7 == 2 && first >> 3 >= 2 && first >> 3 <= 20 && first != UInt8(ascii: "{"))
    }

    /// Reads and compiles an ONNX model.
    ///
    /// - Throws: `invalidInput` when the bytes are not a valid ONNX model, when the graph uses operators mlops
    ///   does not evaluate (every one of them named), or when its inputs and outputs do not make a tabular
    ///   model (an input of several columns without feature names, outputs that are neither a value nor a
    ///   label with probabilities).
    public init(bytes: Data, source: String = "model.onnx") throws(MLOpsError) {
        func invalid(_ problem: String, hint: String? = nil) -> MLOpsError {
            MLOpsError(.invalidInput, "'\(source)' is not an ONNX model mlops can use: \(problem)", hint: hint)
        }
        let document: ONNXDocument
        do {
            document = try ONNXDocument(Array(bytes))
        } catch {
            throw invalid(error.problem)
        }
        let program: ONNXProgram
        do {
            program = try ONNXProgram(document)
        } catch {
            switch error {
            case .unsupported(let operators):
                throw MLOpsError(
                    .invalidInput,
                    "'\(source)' uses \(operators.count == 1 ? "an operator" : "operators") mlops does not evaluate: \(operators.joined(separator: ", "))",
                    hint: "docs/formats.md lists the supported operators; export the model without them")
            case .invalid(let problem):
                throw invalid(problem)
            }
        }
        self.program = program
        self.bytes = bytes
        producer = [document.producerName, document.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        opsets = document.opsets.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "ai.onnx" : $0.key):\($0.value)" }

        // Inputs → features.
        var names: [String]?
        if let text = document.metadata[Self.featuresKey] {
            guard let data = text.data(using: .utf8), let list = try? JSONDecoder().decode([String].self, from: data)
            else { throw invalid("its metadata '\(Self.featuresKey)' is not a JSON array of names") }
            names = list
        }
        var bindings: [Binding] = []
        var features: [Signature.Feature] = []
        var levelCodes: [[Int32]?] = []
        let graphInputs = document.inputs.filter { document.initializers[$0.name] == nil }
        for input in graphInputs {
            guard case .tensor(let type?, let declared) = input.type,
                [.float, .double, .int64, .int32, .string, .bool].contains(type)
            else {
                throw invalid(
                    "its input '\(input.name)' is \(input.type.description); mlops gives tensors of numbers or strings")
            }
            let shape = declared ?? [nil, 1]
            guard shape.count == 1 || shape.count == 2 else {
                throw invalid("its input '\(input.name)' has \(shape.count) dimensions; tabular inputs have 1 or 2")
            }
            let width: Int
            if shape.count == 1 {
                width = 1
            } else if let columns = shape[1] {
                width = columns
            } else {
                throw invalid("its input '\(input.name)' does not say how many columns it has")
            }
            let first = features.count
            for column in 0..<width {
                let name: String
                if let names {
                    guard first + column < names.count else {
                        throw invalid(
                            "\(names.count) feature names were given (--features), but its inputs hold more columns")
                    }
                    name = names[first + column]
                } else if width == 1 {
                    name = input.name
                } else {
                    throw invalid(
                        "its input '\(input.name)' holds \(width) columns and nothing names them",
                        hint: "name them in order: mlops model register … --features a,b,c")
                }
                if type == .string {
                    let levels = Self.levels(reachedFrom: input.name, document)
                    features.append(Signature.Feature(name: name, kind: .categorical, levels: levels))
                    levelCodes.append(levels.map { program.vocabulary.code($0) })
                } else {
                    features.append(Signature.Feature(name: name, kind: .numeric))
                    levelCodes.append(nil)
                }
            }
            bindings.append(Binding(type: type, flat: shape.count == 1, features: Array(first..<(first + width))))
        }
        if let names, names.count != features.count {
            throw invalid(
                "\(names.count) feature names were given (--features), but its inputs hold \(features.count) columns")
        }
        self.bindings = bindings
        self.levelCodes = levelCodes

        // Outputs → task, classes and where the prediction is.
        let target = document.metadata[Self.targetKey] ?? "target"
        guard !target.isEmpty, !target.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw invalid("its target name is empty or holds control characters", hint: "name it with --target") }
        let (reading, classes) = try Self.reading(document, program, invalid: invalid)
        self.reading = reading
        signature = Signature(
            features: features, target: target, task: classes == nil ? .regression : .classification, classes: classes)
        if let problem = signature.problem() { throw invalid(problem) }
        guard !features.contains(where: { $0.name == target }) else {
            throw invalid("the target '\(target)' is also a feature", hint: "name the target with --target")
        }
        // One row through the graph now (zeros, each text feature's first level): a graph whose outputs do not
        // fit what it declares is refused here, not when it first serves.
        let row = features.map { $0.levels?.isEmpty == false ? 0 : ($0.kind == .numeric ? 0 : .nan) }
        do {
            // Two rows, so a graph that fixes its batch at one is found too.
            var peak = 0
            _ = try evaluate(row + row, rows: 2, peak: &peak)
            batchRows = max(1, min(Self.maximumBatchRows, ONNXTensor.maximumElements / max(1, peak / 2)))
        } catch {
            throw invalid(
                "a row of zeros fails: " + error.message.replacingOccurrences(of: Self.failurePrefix, with: ""))
        }
    }

    /// The strings a string input can usefully take: the categories and keys of the operators it reaches
    /// through operators that only move strings, sorted (none when it reaches no such operator: then every value is
    /// text the graph does not name).
    private static func levels(reachedFrom input: String, _ document: ONNXDocument)
        -> [String]
    {
        let passing: Set<String> = [
            "Identity", "Reshape", "Squeeze", "Unsqueeze", "Flatten", "Concat", "ArrayFeatureExtractor", "Gather",
            "Slice", "Transpose",
        ]
        var reached: Set<String> = [input]
        var levels = Set<String>()
        for node in document.nodes where node.inputs.contains(where: reached.contains) {
            if passing.contains(node.opType) {
                reached.formUnion(node.outputs)
                continue
            }
            for key in ["cats_strings", "keys_strings", "classes_strings"] {
                if case .strings(let texts)? = node.attributes[key] {
                    levels.formUnion(texts)
                }
            }
            if case .tensor(let keys)? = node.attributes["keys_tensor"], keys.type == .string {
                levels.formUnion(keys.strings)
            }
        }
        return levels.sorted()
    }

    /// Finds the prediction among the graph's outputs, and the classes of a classifier.
    private static func reading(
        _ document: ONNXDocument, _ program: ONNXProgram, invalid: (String, String?) -> MLOpsError
    ) throws(MLOpsError) -> (Reading, [String]?) {
        let outputs = document.outputs
        func isNumeric(_ type: ONNXDocument.ValueType) -> Bool {
            if case .tensor(let element?, _) = type { return element != .string }
            return false
        }
        if outputs.count == 1, isNumeric(outputs[0].type) {
            guard let text = document.metadata[classesKey] else { return (.value(output: 0), nil) }
            guard let data = text.data(using: .utf8), let classes = try? JSONDecoder().decode([String].self, from: data)
            else { throw invalid("its metadata '\(classesKey)' is not a JSON array of class labels", nil) }
            return (.probabilities(output: 0), classes)
        }
        // A classifier: probabilities as maps or as a float matrix, and a label.
        guard outputs.count == 2 else {
            throw invalid(
                "it has \(outputs.count) output\(outputs.count == 1 ? " of text" : "s"); mlops reads one numeric output (regression) or a label and probabilities (classification)",
                nil)
        }
        let probabilities: Int
        if case .sequence(.map) = outputs[1].type {
            probabilities = 1
        } else if case .tensor(let type?, _) = outputs[1].type, type == .float || type == .double {
            probabilities = 1
        } else if case .sequence(.map) = outputs[0].type {
            probabilities = 0
        } else {
            throw invalid("its outputs are not a label and class probabilities", nil)
        }
        let label = 1 - probabilities
        // The classes: the labels of the ZipMap or classifier that made the probabilities, else the constant
        // the label is picked from.
        var classes = upstream(of: outputs[probabilities].name, program).lazy.compactMap { node in
            node.stringList("classlabels_strings")
                ?? (node.intList("classlabels_int64s") ?? node.intList("classlabels_ints"))?.map { String($0) }
        }.first
        // The label picked from a constant, perhaps then reshaped or cast (skl2onnx's networks without ZipMap).
        // Classes are text or whole numbers; a float constant is not a list of classes mlops can name.
        let passing: Set<String> = ["Cast", "Reshape", "Identity", "Squeeze", "Unsqueeze", "Flatten"]
        if classes == nil,
            let picker = upstream(of: outputs[label].name, program).first(where: { !passing.contains($0.opType) }),
            ["ArrayFeatureExtractor", "Gather"].contains(picker.opType), let source = picker.inputs.first,
            let constant = document.initializers[source], constant.type == .string || constant.type.isInteger
        {
            classes =
                constant.type == .string ? constant.strings : constant.numbers.map { String(ONNXTensor.integer($0)) }
        }
        guard let classes else {
            throw invalid("it does not say what its classes are", "export it with skl2onnx's ZipMap output")
        }
        return (.probabilities(output: probabilities), classes)
    }

    /// The nodes that made `name`, nearest first, walking back through each one's first input (at most 64).
    private static func upstream(of name: String, _ program: ONNXProgram) -> [ONNXDocument.Node] {
        var nodes: [ONNXDocument.Node] = []
        var name = name
        while nodes.count < 64, let slot = program.slots[name], let node = program.producers[slot] {
            nodes.append(node)
            guard let next = node.inputs.first else { break }
            name = next
        }
        return nodes
    }

    private static let failurePrefix = "the ONNX model cannot predict these rows: "

    /// The most rows one evaluation of the graph takes; larger batches are split (on every core).
    static let maximumBatchRows = 4096

    /// The rows one evaluation takes: ``maximumBatchRows``, fewer when a row's widest intermediate value would
    /// make a batch exceed the per-operator limit (measured by the trial at registration).
    private var batchRows = ONNXModel.maximumBatchRows

    /// Predicts rows encoded by ``CompiledModel/encode(_:)``: values for regression, class probabilities in
    /// ``Signature/classes`` order for classification; batches of ``batchRows`` on up to `threads` threads.
    ///
    /// - Throws: `invalidInput` when the graph cannot evaluate the rows (a category an encoder refuses, a
    ///   missing value for an integer input), naming the node and the problem.
    public func predict(encodedRows matrix: [Double], threads: Int? = nil) throws(MLOpsError) -> [Double] {
        let featureCount = signature.features.count
        let rows = matrix.count / max(featureCount, 1)
        let width = signature.classes?.count ?? 1
        let batchRows = self.batchRows
        let chunks = (rows + batchRows - 1) / batchRows
        guard chunks > 1 else { return try evaluate(matrix, rows: rows) }
        let parts: [[Double]]
        do {
            parts = try ParallelWork.map(chunks, width: threads ?? ParallelWork.width) { chunk in
                let range = (chunk * batchRows)..<min(rows, (chunk + 1) * batchRows)
                return try evaluate(
                    Array(matrix[(range.lowerBound * featureCount)..<(range.upperBound * featureCount)]),
                    rows: range.count)
            }
        } catch let error as MLOpsError {
            throw error
        } catch {
            throw MLOpsError(.failure, "a batch of rows was not predicted", cause: error)
        }
        var values: [Double] = []
        values.reserveCapacity(rows * width)
        for part in parts { values += part }
        return values
    }

    private func evaluate(_ matrix: [Double], rows: Int) throws(MLOpsError) -> [Double] {
        var peak = 0
        return try evaluate(matrix, rows: rows, peak: &peak)
    }

    private func evaluate(_ matrix: [Double], rows: Int, peak: inout Int) throws(MLOpsError) -> [Double] {
        let featureCount = signature.features.count
        var inputs: [ONNXTensor] = []
        for binding in bindings {
            let width = binding.features.count
            let shape = binding.flat ? [rows] : [rows, width]
            if binding.type == .string {
                var codes = [Int32](repeating: -1, count: rows * width)
                for (column, feature) in binding.features.enumerated() {
                    let table = levelCodes[feature] ?? []
                    for row in 0..<rows {
                        let value = matrix[row * featureCount + feature]
                        if value >= 0, value < Double(table.count) {
                            codes[row * width + column] = table[Int(value)]
                        }
                    }
                }
                inputs.append(ONNXTensor(strings: codes, shape: shape))
                continue
            }
            var values = [Double](repeating: 0, count: rows * width)
            for (column, feature) in binding.features.enumerated() {
                for row in 0..<rows {
                    let value = matrix[row * featureCount + feature]
                    if binding.type.isInteger, !binding.type.holds(value) {
                        throw MLOpsError(
                            .invalidInput,
                            "feature '\(signature.features[feature].name)' is \(value.isNaN ? "missing" : "\(value)") in a row, but the model reads it as \(binding.type.name): whole numbers, never missing",
                            hint: "fill missing values in and round the column, or export the model with a float input")
                    }
                    values[row * width + column] = value
                }
            }
            ONNXTensor.round(&values, to: binding.type)
            inputs.append(ONNXTensor(type: binding.type, shape: shape, numbers: values))
        }
        let outputs: [ONNXValue]
        do {
            outputs = try program.run(inputs, peak: &peak)
        } catch {
            throw MLOpsError(.invalidInput, Self.failurePrefix + error.problem)
        }
        switch reading {
        case .value(let output):
            guard output < outputs.count, case .tensor(let tensor) = outputs[output], tensor.type != .string,
                tensor.count == rows
            else {
                throw MLOpsError(.invalidInput, "the ONNX model's prediction does not have one value per row")
            }
            return tensor.numbers
        case .probabilities(let output):
            let width = signature.classes?.count ?? 0
            let values: ONNXTensor
            switch output < outputs.count ? outputs[output] : nil {
            case .maps(_, let probabilities)?: values = probabilities
            case .tensor(let probabilities)?: values = probabilities
            case nil: throw MLOpsError(.invalidInput, "the ONNX model computed no probabilities")
            }
            guard values.type != .string, values.count == rows * width else {
                throw MLOpsError(
                    .invalidInput, "the ONNX model's probabilities do not have one value per class (\(width)) per row")
            }
            return values.numbers
        }
    }
}

extension ONNXDocument.Node {
    func stringList(_ name: String) -> [String]? {
        if case .strings(let texts)? = attributes[name] { return texts }
        return nil
    }

    func intList(_ name: String) -> [Int64]? {
        if case .ints(let values)? = attributes[name] { return values }
        return nil
    }
}

/// Names an ONNX model's features and target (`model register --features … --target …`) by rewriting its
/// metadata properties `mlops.features` and `mlops.target`; every other byte of the model is kept.
public struct ONNXNaming: Sendable, Equatable {
    /// Every feature, in the order of the graph's input columns.
    public var features: [String]?
    public var target: String?

    public init(features: [String]? = nil, target: String? = nil) {
        self.features = features
        self.target = target
    }

    public var isEmpty: Bool { features == nil && target == nil }

    /// `bytes` with this naming's metadata entries in place of any earlier ones of the same keys.
    public func applied(to bytes: Data, source: String) throws(MLOpsError) -> Data {
        guard !isEmpty else { return bytes }
        var entries: [(String, String)] = []
        if let features {
            let names = (try? JSONEncoder().encode(features)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
            entries.append((ONNXModel.featuresKey, names))
        }
        if let target { entries.append((ONNXModel.targetKey, target)) }
        let replaced = Set(entries.map(\.0))
        var writer = ProtobufWriter()
        var reader = ProtobufReader(Array(bytes))
        do {
            while let (field, value) = try reader.next() {
                if field == 14, case .bytes(let range) = value {
                    var entry = reader.message(range)
                    var key = ""
                    while let (inner, item) = try entry.next() {
                        if inner == 1, case .bytes(let text) = item { key = entry.string(text) }
                    }
                    if replaced.contains(key) { continue }
                }
                writer.field(field, value, from: reader)
            }
        } catch {
            throw MLOpsError(.invalidInput, "'\(source)' is not an ONNX model: \(error.problem)")
        }
        for (key, text) in entries {
            writer.message(14) { entry in
                entry.string(1, key)
                entry.string(2, text)
            }
        }
        return Data(writer.bytes)
    }
}
