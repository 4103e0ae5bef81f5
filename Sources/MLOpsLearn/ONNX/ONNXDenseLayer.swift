import CDenseLayer

/// A neural network's layer fused into one operator: `MatMul` by a constant float matrix, `Add` of a constant
/// bias row, and optionally `Relu` — the three nodes skl2onnx writes for each layer of an MLP.
///
/// Separately, each node would write a new tensor of the batch's width (64 values a row for a layer of 64) and
/// read the previous one back; fused, a row's inputs are read once and its outputs written once. The product is
/// computed in float32 with a float32 sum, as ONNX Runtime's MLAS does; the bias is added to the rounded
/// product and the ReLU applied in float32, as its separate `Add` and `Relu` kernels do.
struct DenseLayerOperator: ONNXOperator {
    /// The weights, `[inner, paddedColumns]` row-major, each row padded with zeros to a multiple of the kernel's
    /// width.
    private let weights: [Float]
    /// The bias, padded like a row of the weights.
    private let bias: [Float]
    private let inner: Int
    private let columns: Int
    private let paddedColumns: Int
    private let relu: Bool
    /// The bias's shape, for the shape of the result (a `[1, N]` bias makes a 1-D product 2-D).
    private let biasRank: Int

    /// A fusion found in a graph: the operator, the nodes it replaces (the first is the `MatMul`), what it reads
    /// and what it writes.
    struct Fusion {
        let operation: DenseLayerOperator
        let nodes: [Int]
        let input: String
        let output: String
    }

    /// Every layer of `document` that fuses: a `MatMul` whose second input is a float initializer `[K, N]`, whose
    /// result only one `Add` reads, with a float initializer of `N` values (`[N]` or `[1, N]`) as its other input;
    /// then, if only a `Relu` reads the sum, the `Relu` too. No intermediate value may be a graph input or output, a
    /// constant, or written by any other node. Keyed by the `MatMul`'s position.
    static func fusions(in document: ONNXDocument) -> [Int: Fusion] {
        var readers: [String: [Int]] = [:]
        var writers: [String: Int] = [:]
        for (position, node) in document.nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty { readers[input, default: []].append(position) }
            for output in node.outputs where !output.isEmpty { writers[output, default: 0] += 1 }
        }
        let graphValues = Set(document.outputs.map(\.name) + document.inputs.map(\.name))
        func soleReader(of value: String, _ opType: String) -> Int? {
            guard !graphValues.contains(value), writers[value] == 1, let found = readers[value], found.count == 1,
                document.initializers[value] == nil
            else { return nil }
            let node = document.nodes[found[0]]
            guard node.opType == opType, node.domain.isEmpty, node.outputs.count == 1, !node.outputs[0].isEmpty
            else { return nil }
            return found[0]
        }
        var fusions: [Int: Fusion] = [:]
        for (position, node) in document.nodes.enumerated() {
            guard node.opType == "MatMul", node.domain.isEmpty, node.inputs.count == 2, node.outputs.count == 1,
                let matrix = document.initializers[node.inputs[1]], matrix.type == .float, matrix.shape.count == 2,
                matrix.shape.allSatisfy({ $0 > 0 }), !node.inputs[0].isEmpty,
                let add = soleReader(of: node.outputs[0], "Add")
            else { continue }
            let (inner, columns) = (matrix.shape[0], matrix.shape[1])
            let addInputs = document.nodes[add].inputs
            guard addInputs.count == 2, let biasName = addInputs.first(where: { $0 != node.outputs[0] }),
                let bias = document.initializers[biasName], bias.type == .float, bias.numbers.count == columns,
                bias.shape == [columns] || bias.shape == [1, columns]
            else { continue }
            var nodes = [position, add]
            var output = document.nodes[add].outputs[0]
            let relu = soleReader(of: output, "Relu")
            if let relu {
                nodes.append(relu)
                output = document.nodes[relu].outputs[0]
            }
            let width = Self.kernelWidth
            let padded = (columns + width - 1) / width * width
            var weights = [Float](repeating: 0, count: inner * padded)
            for k in 0..<inner {
                for column in 0..<columns { weights[k * padded + column] = Float(matrix.numbers[k * columns + column]) }
            }
            var biasRow = [Float](repeating: 0, count: padded)
            for column in 0..<columns { biasRow[column] = Float(bias.numbers[column]) }
            let operation = DenseLayerOperator(
                weights: weights, bias: biasRow, inner: inner, columns: columns, paddedColumns: padded,
                relu: relu != nil, biasRank: bias.shape.count)
            fusions[position] = Fusion(operation: operation, nodes: nodes, input: node.inputs[0], output: output)
        }
        return fusions
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.numbers(0, "MatMul")
        guard x.type == .float, let last = x.shape.last, last == inner else {
            throw ONNXEvaluationError(
                problem: "MatMul cannot multiply a \(x.type.name) tensor of shape \(x.shape) by [\(inner), \(columns)]")
        }
        let rows = x.count / inner
        var shape = Array(x.shape.dropLast()) + [columns]
        while shape.count < biasRank { shape.insert(1, at: 0) }
        var values = [Double](repeating: 0, count: try ONNXTensor.elementCount(shape, "MatMul"))
        guard rows <= MatrixProductOperator.maximumWork / max(inner * columns, 1) else {
            throw ONNXEvaluationError(problem: "MatMul of \(x.shape) and [\(inner), \(columns)] is too much work")
        }
        var scratch = [Float](repeating: 0, count: 2 * inner)
        x.numbers.withUnsafeBufferPointer { input in
            weights.withUnsafeBufferPointer { weights in
                bias.withUnsafeBufferPointer { bias in
                    values.withUnsafeMutableBufferPointer { output in
                        scratch.withUnsafeMutableBufferPointer { scratch in
                            guard let input = input.baseAddress, let weights = weights.baseAddress,
                                let bias = bias.baseAddress, let output = output.baseAddress,
                                let scratch = scratch.baseAddress
                            else { return }
                            mlops_dense_layer(
                                input, rows, inner, weights, paddedColumns, columns, bias, relu ? 1 : 0, output,
                                scratch)
                        }
                    }
                }
            }
        }
        return [.tensor(ONNXTensor(type: .float, shape: shape, numbers: values))]
    }

    /// The columns the kernel computes at once (a vector of eight floats).
    private static let kernelWidth = 8
}
