import Foundation

/// An elementwise function of one tensor: `Relu`, `Sigmoid`, `Tanh`, `Abs`, `Exp`, `Log`, `Neg`, `Sqrt`, `Erf`,
/// `Floor`, `Ceil`, `Reciprocal`, `Not`, `IsNaN`, `IsInf`, and `Clip` with constant bounds.
struct ElementwiseOperator: ONNXOperator {
    let name: String
    let function: @Sendable (Double) -> Double
    /// The result's type when it is not the input's (`Not` gives bool).
    var resultType: ONNXDocument.ElementType?

    static func compile(_ reader: ONNXNodeReader) throws(ONNXCompileError) -> ElementwiseOperator? {
        let function: @Sendable (Double) -> Double
        switch reader.node.opType {
        case "Relu": function = { $0 > 0 ? $0 : ($0.isNaN ? $0 : 0) }
        case "Sigmoid": function = { 1 / (1 + exp(-$0)) }
        case "Tanh": function = { tanh($0) }
        case "Abs": function = { abs($0) }
        case "Exp": function = { exp($0) }
        case "Log": function = { log($0) }
        case "Neg": function = { -$0 }
        case "Sqrt": function = { sqrt($0) }
        case "Erf": function = { erf($0) }
        case "Floor": function = { floor($0) }
        case "Ceil": function = { ceil($0) }
        case "Reciprocal": function = { 1 / $0 }
        case "Not": return ElementwiseOperator(name: "Not", function: { $0 == 0 ? 1 : 0 }, resultType: .bool)
        case "IsNaN": return ElementwiseOperator(name: "IsNaN", function: { $0.isNaN ? 1 : 0 }, resultType: .bool)
        case "IsInf":
            let (positive, negative) = (
                try reader.int("detect_positive", default: 1) != 0, try reader.int("detect_negative", default: 1) != 0
            )
            return ElementwiseOperator(
                name: "IsInf",
                function: { $0.isInfinite && ($0 > 0 ? positive : negative) ? 1 : 0 }, resultType: .bool)
        case "Clip":
            var low = -Double.infinity
            var high = Double.infinity
            if reader.opset < 11 {
                low = Double(try reader.float("min", default: -.infinity))
                high = Double(try reader.float("max", default: .infinity))
            } else {
                for (index, isLow) in [(1, true), (2, false)] where index < reader.node.inputs.count {
                    guard !reader.node.inputs[index].isEmpty else { continue }
                    guard let bound = reader.constantInput(index)?.numbers.first else {
                        throw .unsupported("Clip with bounds computed by the graph")
                    }
                    if isLow { low = bound } else { high = bound }
                }
            }
            let (lower, upper) = (low, high)
            function = { $0.isNaN ? $0 : Swift.min(Swift.max($0, lower), upper) }
        default: return nil
        }
        return ElementwiseOperator(name: reader.node.opType, function: function)
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let input = try inputs.numbers(0, name)
        let type = resultType ?? input.type
        var values = input.numbers.map(function)
        ONNXTensor.round(&values, to: type)
        return [.tensor(ONNXTensor(type: type, shape: input.shape, numbers: values))]
    }
}

/// An elementwise function of two or more broadcast tensors: arithmetic (`Add`, `Sub`, `Mul`, `Div`, `Pow`,
/// `Max`, `Min`, `Sum`, `Mean`), comparisons (`Equal`, `Less`, `Greater`, `LessOrEqual`, `GreaterOrEqual`) and
/// logic (`And`, `Or`, `Xor`).
struct BroadcastOperator: ONNXOperator {
    let name: String
    let function: @Sendable (Double, Double) -> Double
    let comparison: Bool
    /// For `Mean`: divide the folded sum by the input count.
    var averages = false

    static func compile(_ reader: ONNXNodeReader) -> BroadcastOperator? {
        let name = reader.node.opType
        func make(_ function: @escaping @Sendable (Double, Double) -> Double, comparison: Bool = false)
            -> BroadcastOperator
        { BroadcastOperator(name: name, function: function, comparison: comparison) }
        switch name {
        case "Add", "Sum": return make(+)
        case "Mean": return BroadcastOperator(name: name, function: +, comparison: false, averages: true)
        case "Sub": return make(-)
        case "Mul": return make(*)
        case "Div": return make(/)
        case "Pow": return make(pow)
        case "Max": return make { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        case "Min": return make { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
        case "Equal": return make({ $0 == $1 ? 1 : 0 }, comparison: true)
        case "Less": return make({ $0 < $1 ? 1 : 0 }, comparison: true)
        case "Greater": return make({ $0 > $1 ? 1 : 0 }, comparison: true)
        case "LessOrEqual": return make({ $0 <= $1 ? 1 : 0 }, comparison: true)
        case "GreaterOrEqual": return make({ $0 >= $1 ? 1 : 0 }, comparison: true)
        case "And": return make({ $0 != 0 && $1 != 0 ? 1 : 0 }, comparison: true)
        case "Or": return make({ $0 != 0 || $1 != 0 ? 1 : 0 }, comparison: true)
        case "Xor": return make({ ($0 != 0) != ($1 != 0) ? 1 : 0 }, comparison: true)
        default: return nil
        }
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        var result = try inputs.tensor(0, name)
        guard inputs.count > 1 else { return [.tensor(result)] }
        for index in 1..<inputs.count {
            let right = try inputs.tensor(index, name)
            if name == "Equal", result.type == .string, right.type == .string {
                result = try Self.compareStrings(result, right)
                continue
            }
            guard result.type != .string, right.type != .string else {
                throw ONNXEvaluationError(problem: "\(name) needs numbers, not strings")
            }
            let broadcast = try Broadcast(result.shape, right.shape)
            let type: ONNXDocument.ElementType = comparison ? .bool : result.type
            let integerDivision = name == "Div" && type.isInteger
            let function = self.function
            func combine(_ x: Double, _ y: Double) -> Double {
                let value = function(x, y)
                return integerDivision ? (y == 0 ? 0 : value.rounded(.towardZero)) : value
            }
            var values: [Double]
            let width = right.count
            let trimmed = right.shape.drop(while: { $0 == 1 })
            if broadcast.shape == result.shape, width > 0, trimmed.elementsEqual(result.shape.suffix(trimmed.count)) {
                // The usual cases, without per-element index arithmetic: equal shapes, a scalar, or a row (bias)
                // repeated over the left operand's leading dimensions.
                values = [Double](repeating: 0, count: result.count)
                let left = result.numbers
                let rightValues = right.numbers
                for start in stride(from: 0, to: left.count, by: width) {
                    for offset in 0..<width {
                        values[start + offset] = combine(left[start + offset], rightValues[offset])
                    }
                }
            } else {
                values = Array(repeating: 0.0, count: broadcast.shape.reduce(1, *))
                result.numbers.withUnsafeBufferPointer { left in
                    right.numbers.withUnsafeBufferPointer { right in
                        broadcast.forEach { output, a, b in values[output] = combine(left[a], right[b]) }
                    }
                }
            }
            ONNXTensor.round(&values, to: type)
            result = ONNXTensor(type: type, shape: broadcast.shape, numbers: values)
        }
        if averages {
            let divisor = Double(inputs.count)
            result.numbers = result.numbers.map { ONNXTensor.rounded($0 / divisor, to: result.type) }
        }
        return [.tensor(result)]
    }

    private static func compareStrings(_ left: ONNXTensor, _ right: ONNXTensor) throws(ONNXEvaluationError)
        -> ONNXTensor
    {
        let broadcast = try Broadcast(left.shape, right.shape)
        var values = Array(repeating: 0.0, count: broadcast.shape.reduce(1, *))
        broadcast.forEach { output, a, b in
            values[output] = left.codes[a] >= 0 && left.codes[a] == right.codes[b] ? 1 : 0
        }
        return ONNXTensor(type: .bool, shape: broadcast.shape, numbers: values)
    }
}

/// `Where(condition, x, y)`: x where the condition holds, else y, broadcast.
struct WhereOperator: ONNXOperator {
    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let condition = try inputs.numbers(0, "Where")
        let x = try inputs.tensor(1, "Where")
        let y = try inputs.tensor(2, "Where")
        guard (x.type == .string) == (y.type == .string) else {
            throw ONNXEvaluationError(problem: "Where cannot choose between strings and numbers")
        }
        let shape = try Broadcast(condition.shape, try Broadcast(x.shape, y.shape).shape).shape
        /// Each output element's index into an operand of shape `operand`.
        func positions(_ operand: [Int]) throws(ONNXEvaluationError) -> [Int] {
            var positions = Array(repeating: 0, count: shape.reduce(1, *))
            try Broadcast(shape, operand).forEach { output, _, index in positions[output] = index }
            return positions
        }
        let (fromCondition, fromX, fromY) = (
            try positions(condition.shape), try positions(x.shape), try positions(y.shape)
        )
        let chosen = fromCondition.map { condition.numbers[$0] != 0 }
        if x.type == .string {
            let codes = chosen.indices.map { chosen[$0] ? x.codes[fromX[$0]] : y.codes[fromY[$0]] }
            return [.tensor(ONNXTensor(strings: codes, shape: shape))]
        }
        let values = chosen.indices.map { chosen[$0] ? x.numbers[fromX[$0]] : y.numbers[fromY[$0]] }
        return [.tensor(ONNXTensor(type: x.type, shape: shape, numbers: values))]
    }
}

/// `MatMul` (1-D and 2-D operands, or a batch of matrices times one matrix) and `Gemm`
/// (`alpha·A'·B' + beta·C`, with optional transposes and a broadcast C).
struct MatrixProductOperator: ONNXOperator {
    var gemm = false
    var transposeA = false
    var transposeB = false
    var alpha = 1.0
    var beta = 1.0

    /// `left · right` ([rows, inner] · [inner, columns], row-major) times `alpha`, in double: each output row is
    /// the sum of right's rows scaled by left's entries, so the innermost loop runs along contiguous memory.
    private static func product(
        _ left: [Double], _ right: [Double], into values: inout [Double], rows: Int, inner: Int, columns: Int,
        alpha: Double
    ) {
        left.withUnsafeBufferPointer { left in
            right.withUnsafeBufferPointer { right in
                values.withUnsafeMutableBufferPointer { output in
                    func target(_ row: Int) -> UnsafeMutableBufferPointer<Double> {
                        UnsafeMutableBufferPointer(rebasing: output[(row * columns)..<((row + 1) * columns)])
                    }
                    // Four rows at a time, so each row of B read is used four times.
                    var row = 0
                    while row + 4 <= rows {
                        let (t0, t1, t2, t3) = (target(row), target(row + 1), target(row + 2), target(row + 3))
                        for k in 0..<inner {
                            let x0 = left[row * inner + k] * alpha
                            let x1 = left[(row + 1) * inner + k] * alpha
                            let x2 = left[(row + 2) * inner + k] * alpha
                            let x3 = left[(row + 3) * inner + k] * alpha
                            let source = UnsafeBufferPointer(rebasing: right[(k * columns)..<((k + 1) * columns)])
                            for column in 0..<columns {
                                let y = source[column]
                                t0[column] += x0 * y
                                t1[column] += x1 * y
                                t2[column] += x2 * y
                                t3[column] += x3 * y
                            }
                        }
                        row += 4
                    }
                    for row in row..<rows {
                        let t = target(row)
                        for k in 0..<inner {
                            let x = left[row * inner + k] * alpha
                            let source = UnsafeBufferPointer(rebasing: right[(k * columns)..<((k + 1) * columns)])
                            for column in 0..<columns { t[column] += x * source[column] }
                        }
                    }
                }
            }
        }
    }

    /// `values` ([rows, columns], row-major) transposed.
    private static func transposed(_ values: [Double], rows: Int, columns: Int) -> [Double] {
        var result = [Double](repeating: 0, count: values.count)
        for row in 0..<rows {
            for column in 0..<columns { result[column * rows + row] = values[row * columns + column] }
        }
        return result
    }

    /// The most multiply-adds one product may take (a 4,096-row batch through a 512 × 512 layer is 2³⁰).
    static let maximumWork = 1 << 31

    static func compile(_ reader: ONNXNodeReader) throws(ONNXCompileError) -> MatrixProductOperator {
        guard reader.node.opType == "Gemm" else { return MatrixProductOperator() }
        return MatrixProductOperator(
            gemm: true, transposeA: try reader.int("transA", default: 0) != 0,
            transposeB: try reader.int("transB", default: 0) != 0,
            alpha: Double(try reader.float("alpha", default: 1)), beta: Double(try reader.float("beta", default: 1)))
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let operation = gemm ? "Gemm" : "MatMul"
        let a = try inputs.numbers(0, operation)
        let b = try inputs.numbers(1, operation)
        // A as [rows, inner] (a leading batch is folded into the rows), B as [inner, columns].
        var (rows, inner) = (1, 1)
        var outputShape: [Int] = []
        switch a.shape.count {
        case 1: (rows, inner) = (1, a.shape[0])
        case 2: (rows, inner) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        default:
            guard !gemm else { throw ONNXEvaluationError(problem: "Gemm needs 2-D inputs, not \(a.shape)") }
            inner = a.shape[a.shape.count - 1]
            rows = a.shape.dropLast().reduce(1, *)
            outputShape = Array(a.shape.dropLast())
        }
        guard b.shape.count <= 2, !b.shape.isEmpty else {
            throw ONNXEvaluationError(problem: "\(operation) needs a 1-D or 2-D second input, not \(b.shape)")
        }
        let bRows = transposeB ? (b.shape.count == 2 ? b.shape[1] : 1) : b.shape[0]
        let columns = b.shape.count == 1 ? 1 : (transposeB ? b.shape[0] : b.shape[1])
        guard bRows == inner else {
            throw ONNXEvaluationError(problem: "\(operation) cannot multiply shapes \(a.shape) and \(b.shape)")
        }
        var values = Array(repeating: 0.0, count: try ONNXTensor.elementCount([rows, columns], operation))
        guard rows.multipliedReportingOverflow(by: max(columns, 1)).partialValue <= Self.maximumWork / max(inner, 1)
        else {
            throw ONNXEvaluationError(problem: "\(operation) of \(a.shape) and \(b.shape) is too much work")
        }
        // Both operands laid out row-major as [rows, inner] and [inner, columns], then each output row is the sum
        // of B's rows scaled by A's entries: the innermost loop runs along contiguous memory and vectorizes.
        let left = transposeA && a.shape.count == 2 ? Self.transposed(a.numbers, rows: inner, columns: rows) : a.numbers
        let right =
            transposeB && b.shape.count == 2 ? Self.transposed(b.numbers, rows: columns, columns: inner) : b.numbers
        Self.product(left, right, into: &values, rows: rows, inner: inner, columns: columns, alpha: alpha)
        if gemm, let c = try inputs.optionalTensor(2, operation), beta != 0 {
            guard c.type != .string else { throw ONNXEvaluationError(problem: "Gemm needs numbers for C") }
            let broadcast = try Broadcast([rows, columns], c.shape)
            guard broadcast.shape == [rows, columns] else {
                throw ONNXEvaluationError(problem: "Gemm cannot add C of shape \(c.shape) to [\(rows), \(columns)]")
            }
            broadcast.forEach { output, _, index in values[output] += beta * c.numbers[index] }
        }
        let type = a.type
        ONNXTensor.round(&values, to: type)
        if a.shape.count == 1 {
            outputShape = b.shape.count == 1 ? [] : [columns]
        } else if a.shape.count == 2 {
            outputShape = b.shape.count == 1 ? [rows] : [rows, columns]
        } else if b.shape.count == 2 {
            outputShape.append(columns)
        }
        return [.tensor(ONNXTensor(type: type, shape: outputShape, numbers: values))]
    }
}

/// `Softmax`/`LogSoftmax` along an axis (before opset 13, over the input flattened to 2-D at the axis).
struct SoftmaxOperator: ONNXOperator {
    let axis: Int
    let flattens: Bool
    let logarithm: Bool

    static func compile(_ reader: ONNXNodeReader) throws(ONNXCompileError) -> SoftmaxOperator {
        let flattens = reader.opset < 13
        return SoftmaxOperator(
            axis: Int(try reader.int("axis", default: flattens ? 1 : -1)), flattens: flattens,
            logarithm: reader.node.opType == "LogSoftmax")
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        var tensor = try inputs.numbers(0, "Softmax")
        let rank = tensor.shape.count
        guard rank >= 1 else { throw ONNXEvaluationError(problem: "Softmax needs at least one dimension") }
        let axis = self.axis < 0 ? self.axis + rank : self.axis
        guard axis >= 0, axis < max(rank, 1) else {
            throw ONNXEvaluationError(problem: "Softmax axis \(self.axis) is outside shape \(tensor.shape)")
        }
        // Groups of `length` values `stride` apart, starting at each (outer, inner) pair.
        let length = flattens ? tensor.shape[axis...].reduce(1, *) : tensor.shape[axis]
        let stride = flattens ? 1 : tensor.shape[(axis + 1)...].reduce(1, *)
        let outer = tensor.shape[..<axis].reduce(1, *)
        for group in 0..<outer {
            for inner in 0..<stride {
                let start = group * length * stride + inner
                var largest = -Double.infinity
                for k in 0..<length { largest = max(largest, tensor.numbers[start + k * stride]) }
                var sum = 0.0
                for k in 0..<length { sum += exp(tensor.numbers[start + k * stride] - largest) }
                for k in 0..<length {
                    let index = start + k * stride
                    let shifted = tensor.numbers[index] - largest
                    let value = logarithm ? shifted - log(sum) : exp(shifted) / sum
                    tensor.numbers[index] = ONNXTensor.rounded(value, to: tensor.type)
                }
            }
        }
        return [.tensor(tensor)]
    }
}

/// `ArgMax`/`ArgMin` and the reductions `ReduceSum`, `ReduceMean`, `ReduceMax`, `ReduceMin`, `ReduceProd`,
/// `ReduceSumSquare`, `ReduceL1`, `ReduceL2`, `ReduceLogSumExp` over one or more axes.
struct ReductionOperator: ONNXOperator {
    let name: String
    /// The axes (nil: all of them, or from the second input at opset 13+ for ReduceSum and 18+ for the rest).
    let axes: [Int]?
    let keepDimensions: Bool
    let selectLast: Bool
    let axesFromInput: Bool

    static let names: Set<String> = [
        "ArgMax", "ArgMin", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceSumSquare",
        "ReduceL1", "ReduceL2", "ReduceLogSumExp",
    ]

    static func compile(_ reader: ONNXNodeReader) throws(ONNXCompileError) -> ReductionOperator {
        let name = reader.node.opType
        let keep = try reader.int("keepdims", default: 1) != 0
        if name.hasPrefix("Arg") {
            return ReductionOperator(
                name: name, axes: [Int(try reader.int("axis", default: 0))], keepDimensions: keep,
                selectLast: try reader.int("select_last_index", default: 0) != 0, axesFromInput: false)
        }
        let fromInput = (name == "ReduceSum" && reader.opset >= 13) || reader.opset >= 18
        var axes = try reader.ints("axes")?.map { Int($0) }
        if fromInput, reader.node.inputs.count > 1, !reader.node.inputs[1].isEmpty {
            guard let constant = reader.constantInput(1) else {
                throw .unsupported("\(name) with axes computed by the graph")
            }
            axes = constant.numbers.map(ONNXTensor.integer)
        }
        if axes?.isEmpty == true, try reader.int("noop_with_empty_axes", default: 0) == 0 { axes = nil }
        return ReductionOperator(
            name: name, axes: axes, keepDimensions: keep, selectLast: false, axesFromInput: fromInput)
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let tensor = try inputs.numbers(0, name)
        let rank = tensor.shape.count
        var reduced = Set<Int>()
        for axis in axes ?? Array(0..<rank) {
            let resolved = axis < 0 ? axis + rank : axis
            guard resolved >= 0, resolved < max(rank, 1) else {
                throw ONNXEvaluationError(problem: "\(name) axis \(axis) is outside shape \(tensor.shape)")
            }
            reduced.insert(resolved)
        }
        if axes?.isEmpty == true { return [.tensor(tensor)] }
        var outputShape: [Int] = []
        var keptShape: [Int] = []
        for axis in 0..<rank {
            if reduced.contains(axis) {
                if keepDimensions { outputShape.append(1) }
                keptShape.append(1)
            } else {
                outputShape.append(tensor.shape[axis])
                keptShape.append(tensor.shape[axis])
            }
        }
        let outputCount = keptShape.reduce(1, *)
        // Each input element's output position: drop the reduced axes' coordinates.
        var groups = Array(repeating: [Double](), count: outputCount)
        var index = Array(repeating: 0, count: rank)
        for element in 0..<tensor.count {
            var position = 0
            for axis in 0..<rank { position = position * keptShape[axis] + (reduced.contains(axis) ? 0 : index[axis]) }
            groups[position].append(tensor.numbers[element])
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < tensor.shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        let isArg = name.hasPrefix("Arg")
        let values = groups.map { group -> Double in
            switch name {
            case "ArgMax", "ArgMin":
                var best = 0
                for (k, value) in group.enumerated() {
                    let better = name == "ArgMax" ? value > group[best] : value < group[best]
                    if better || (selectLast && value == group[best]) { best = k }
                }
                return Double(best)
            case "ReduceSum": return group.reduce(0, +)
            case "ReduceMean": return group.reduce(0, +) / Double(max(group.count, 1))
            case "ReduceMax": return group.max() ?? -.infinity
            case "ReduceMin": return group.min() ?? .infinity
            case "ReduceProd": return group.reduce(1, *)
            case "ReduceSumSquare": return group.reduce(0) { $0 + $1 * $1 }
            case "ReduceL1": return group.reduce(0) { $0 + abs($1) }
            case "ReduceL2": return sqrt(group.reduce(0) { $0 + $1 * $1 })
            default:
                let largest = group.max() ?? 0
                return largest + log(group.reduce(0) { $0 + exp($1 - largest) })
            }
        }
        let type: ONNXDocument.ElementType = isArg ? .int64 : tensor.type
        return [
            .tensor(
                ONNXTensor(type: type, shape: outputShape, numbers: values.map { ONNXTensor.rounded($0, to: type) }))
        ]
    }
}
