import CDenseLayer

/// A neural network's layers fused into one operator: each layer is `MatMul` by a constant float matrix, `Add` of
/// a constant bias row, and optionally `Relu` — the three nodes skl2onnx writes for each layer of an MLP — and
/// consecutive layers (each reading only the previous one's result) are chained.
///
/// Separately, each node would write a tensor of the batch's width (64 values a row for a layer of 64) and the
/// next read it back. Fused, a block of rows is converted to float once, passes through every layer in two small
/// float buffers that stay in the core's cache, and is converted back once. Each layer's product is computed in
/// float32 as ONNX Runtime's MLAS does (see `CDenseLayer.h`), the bias added to the rounded product and the ReLU
/// applied in float32, as its separate `Add` and `Relu` kernels do.
struct DenseLayerOperator: ONNXOperator {
    /// One layer: weights `[inner, padded]` row-major, each row padded with zeros to a multiple of the kernel's
    /// width (8), and the bias padded like a row.
    private struct Layer: Sendable {
        let weights: [Float]
        let bias: [Float]
        let inner: Int
        let columns: Int
        let padded: Int
        let relu: Bool
    }

    private let layers: [Layer]
    /// The largest bias rank, for the result's shape (a `[1, N]` bias makes a 1-D product 2-D).
    private let biasRank: Int

    /// A fusion found in a graph: the operator, the nodes it replaces (the first is the first `MatMul`), what it
    /// reads and what it writes.
    struct Fusion {
        let operation: DenseLayerOperator
        let nodes: [Int]
        let input: String
        let output: String
    }

    /// Every chain of layers of `document` that fuses. A layer is a `MatMul` whose second input is a float
    /// initializer `[K, N]`, whose result only one `Add` reads, with a float initializer of `N` values (`[N]` or
    /// `[1, N]`) as its other input; then, if only a `Relu` reads the sum, the `Relu` too. A layer whose result
    /// only the next layer's `MatMul` reads joins its chain. No intermediate value may be a graph input or output,
    /// a constant, or written by any other node. Keyed by the first `MatMul`'s position.
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
        var layers: [Int: (layer: Layer, biasRank: Int, nodes: [Int], output: String)] = [:]
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
            // Only in graph order: an unsorted graph is refused by the program as it would be unfused.
            guard add > position else { continue }
            var nodes = [position, add]
            var output = document.nodes[add].outputs[0]
            let relu = soleReader(of: output, "Relu").flatMap { $0 > add ? $0 : nil }
            if let relu {
                nodes.append(relu)
                output = document.nodes[relu].outputs[0]
            }
            let padded = (columns + 7) / 8 * 8
            var weights = [Float](repeating: 0, count: inner * padded)
            for k in 0..<inner {
                for column in 0..<columns { weights[k * padded + column] = Float(matrix.numbers[k * columns + column]) }
            }
            var biasRow = [Float](repeating: 0, count: padded)
            for column in 0..<columns { biasRow[column] = Float(bias.numbers[column]) }
            let layer = Layer(
                weights: weights, bias: biasRow, inner: inner, columns: columns, padded: padded, relu: relu != nil)
            layers[position] = (layer, bias.shape.count, nodes, output)
        }
        // Chains, in graph order: a layer absorbs the next while only that layer's MatMul reads its result.
        var fusions: [Int: Fusion] = [:]
        var absorbed = Set<Int>()
        for position in layers.keys.sorted() where !absorbed.contains(position) {
            guard var (layer, biasRank, nodes, output) = layers[position] else { continue }
            var chain = [layer]
            // Each next layer comes after the chain's last node, so a graph whose layers feed each other in a
            // cycle stops the chain instead of growing it forever.
            while let next = soleReader(of: output, "MatMul"), next > nodes.max() ?? position,
                let following = layers[next], document.nodes[next].inputs[0] == output,
                following.layer.inner == chain[chain.count - 1].columns
            {
                chain.append(following.layer)
                biasRank = max(biasRank, following.biasRank)
                nodes += following.nodes
                output = following.output
                absorbed.insert(next)
            }
            fusions[position] = Fusion(
                operation: DenseLayerOperator(layers: chain, biasRank: biasRank), nodes: nodes,
                input: document.nodes[position].inputs[0], output: output)
        }
        return fusions
    }

    /// The rows taken through every layer at once: their values in every layer fit in a core's cache.
    private static let blockRows = 64

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.numbers(0, "MatMul")
        guard let first = layers.first, let last = layers.last else { return [.tensor(x)] }
        guard x.type == .float, x.shape.last == first.inner else {
            throw ONNXEvaluationError(
                problem:
                    "MatMul cannot multiply a \(x.type.name) tensor of shape \(x.shape) by [\(first.inner), \(first.columns)]"
            )
        }
        let rows = x.count / first.inner
        var shape = Array(x.shape.dropLast()) + [last.columns]
        while shape.count < biasRank { shape.insert(1, at: 0) }
        let count = try ONNXTensor.elementCount(shape, "MatMul")
        let work = layers.reduce(0) { $0 + $1.inner * $1.columns }
        guard rows <= MatrixProductOperator.maximumWork / max(work, 1) else {
            throw ONNXEvaluationError(
                problem: "MatMul of \(x.shape) and [\(first.inner), \(first.columns)] is too much work")
        }
        let widest = layers.reduce(first.inner) { max($0, $1.padded) }
        var buffers = [Float](repeating: 0, count: 2 * Self.blockRows * widest)
        var values = [Double](repeating: 0, count: count)
        x.numbers.withUnsafeBufferPointer { input in
            values.withUnsafeMutableBufferPointer { output in
                buffers.withUnsafeMutableBufferPointer { buffers in
                    for start in stride(from: 0, to: rows, by: Self.blockRows) {
                        let block = min(Self.blockRows, rows - start)
                        var (source, target) = (0, Self.blockRows * widest)
                        for index in 0..<(block * first.inner) {
                            buffers[index] = Float(input[start * first.inner + index])
                        }
                        for layer in layers {
                            layer.weights.withUnsafeBufferPointer { weights in
                                layer.bias.withUnsafeBufferPointer { bias in
                                    guard let weights = weights.baseAddress, let bias = bias.baseAddress,
                                        let buffers = buffers.baseAddress
                                    else { return }
                                    mlops_dense_layer(
                                        buffers + source, block, layer.inner, weights, layer.padded, layer.columns,
                                        bias, layer.relu ? 1 : 0, buffers + target)
                                }
                            }
                            swap(&source, &target)
                        }
                        for index in 0..<(block * last.columns) {
                            output[start * last.columns + index] = Double(buffers[source + index])
                        }
                    }
                }
            }
        }
        return [.tensor(ONNXTensor(type: .float, shape: shape, numbers: values))]
    }
}
