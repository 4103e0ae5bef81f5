import Foundation

/// Operators that move, select or retype elements without computing new numbers: `Identity`, `Cast`,
/// `CastLike`, `Concat`, `Reshape`, `Flatten`, `Squeeze`, `Unsqueeze`, `Gather`, `Slice`, `Shape`, `Transpose`,
/// `Constant` and `ConstantOfShape`.
enum ShapeOperators {
    static func compile(_ reader: ONNXNodeReader) throws(ONNXCompileError) -> (any ONNXOperator)? {
        switch reader.node.opType {
        case "Identity", "Dropout": return IdentityOperator()
        case "Cast":
            let code = Int(try reader.int("to"))
            guard let type = ONNXDocument.ElementType(rawValue: code), type != .float16 else {
                throw reader.invalid("Cast to element type \(code) is not supported")
            }
            return CastOperator(type: type)
        case "CastLike": return CastOperator(type: nil)
        case "Concat": return ConcatOperator(axis: Int(try reader.int("axis")))
        case "Reshape": return ReshapeOperator(allowZero: try reader.int("allowzero", default: 0) != 0)
        case "Flatten": return FlattenOperator(axis: Int(try reader.int("axis", default: 1)))
        case "Squeeze", "Unsqueeze":
            var axes = try reader.ints("axes")?.map { Int($0) }
            if reader.opset >= 13, reader.node.inputs.count > 1 {
                guard let constant = reader.constantInput(1) else {
                    throw .unsupported("\(reader.node.opType) with axes computed by the graph")
                }
                axes = constant.numbers.map(ONNXTensor.integer)
            }
            return SqueezeOperator(squeezes: reader.node.opType == "Squeeze", axes: axes)
        case "Gather": return GatherOperator(axis: Int(try reader.int("axis", default: 0)))
        case "Slice":
            guard reader.opset < 10 else { return SliceOperator(constantBounds: nil) }
            guard let starts = try reader.ints("starts"), let ends = try reader.ints("ends") else {
                throw reader.invalid("Slice needs starts and ends")
            }
            let axes = try reader.ints("axes") ?? (0..<Int64(starts.count)).map { $0 }
            return SliceOperator(constantBounds: (starts, ends, axes))
        case "Shape":
            return ShapeOperator(
                start: Int(try reader.int("start", default: 0)),
                end: reader.node.attributes["end"] == nil ? nil : Int(try reader.int("end")))
        case "Transpose": return TransposeOperator(permutation: try reader.ints("perm")?.map { Int($0) })
        case "Constant":
            if let constant = try reader.tensor("value") { return ConstantOperator(value: constant) }
            if let numbers = try reader.numbers("value_floats") {
                return ConstantOperator(value: .init(type: .float, shape: [numbers.count], numbers: numbers))
            }
            if let ints = try reader.ints("value_ints") {
                return ConstantOperator(value: .init(type: .int64, shape: [ints.count], numbers: ints.map(Double.init)))
            }
            if case .float(let value) = reader.node.attributes["value_float"] {
                return ConstantOperator(value: .init(type: .float, shape: [], numbers: [Double(value)]))
            }
            if case .int(let value) = reader.node.attributes["value_int"] {
                return ConstantOperator(value: .init(type: .int64, shape: [], numbers: [Double(value)]))
            }
            if let strings = try reader.strings("value_strings") {
                return ConstantOperator(value: .init(type: .string, shape: [strings.count], strings: strings))
            }
            throw reader.invalid("Constant has no value")
        case "ConstantOfShape":
            let value = try reader.tensor("value") ?? .init(type: .float, shape: [1], numbers: [0])
            guard value.type != .string, let first = value.numbers.first else {
                throw reader.invalid("ConstantOfShape needs one number")
            }
            return ConstantOfShapeOperator(type: value.type, value: first)
        default: return nil
        }
    }
}

struct IdentityOperator: ONNXOperator {
    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        guard let first = inputs.first, let value = first else {
            throw ONNXEvaluationError(problem: "Identity is missing its input")
        }
        return [value]
    }
}

/// A constant: `Constant` nodes, and initializers (whose strings are coded when the program is built).
struct ConstantOperator: ONNXOperator {
    let value: ONNXDocument.Constant

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        [.tensor(ONNXTensor(value, strings: strings))]
    }
}

extension ONNXTensor {
    /// A constant as a tensor, its strings coded.
    init(_ constant: ONNXDocument.Constant, strings: ONNXStrings) {
        if constant.type == .string {
            self.init(strings: constant.strings.map(strings.code), shape: constant.shape)
        } else {
            self.init(type: constant.type, shape: constant.shape, numbers: constant.numbers)
        }
    }
}

struct ConstantOfShapeOperator: ONNXOperator {
    let type: ONNXDocument.ElementType
    let value: Double

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let shape = try inputs.numbers(0, "ConstantOfShape").numbers.map(ONNXTensor.integer)
        let count = try ONNXTensor.elementCount(shape, "ConstantOfShape")
        return [.tensor(ONNXTensor(type: type, shape: shape, numbers: Array(repeating: value, count: count)))]
    }
}

/// `Cast` to a type, or `CastLike` to the second input's. Numbers become text as ONNX Runtime writes them
/// (``text(_:)``; integers in full) and text is parsed as a number (NaN when it is not one).
struct CastOperator: ONNXOperator {
    let type: ONNXDocument.ElementType?

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let input = try inputs.tensor(0, "Cast")
        var target = input.type
        if let type { target = type } else { target = try inputs.tensor(1, "CastLike").type }
        switch (input.type == .string, target == .string) {
        case (true, true): return [.tensor(input)]
        case (true, false):
            let values = input.codes.map { ONNXTensor.rounded(Double(strings.text($0)) ?? .nan, to: target) }
            return [.tensor(ONNXTensor(type: target, shape: input.shape, numbers: values))]
        case (false, true):
            let codes = input.numbers.map { value in
                strings.code(input.type.isInteger ? String(ONNXTensor.integer(value)) : Self.text(value))
            }
            return [.tensor(ONNXTensor(strings: codes, shape: input.shape))]
        case (false, false):
            // A tensor already holds values of its own type: a cast to it changes nothing.
            return [.tensor(input.type == target ? input : input.rounded(to: target))]
        }
    }
}

extension CastOperator {
    /// A number as ONNX Runtime's Cast writes it: `%.8g`, with NaN and infinities as `NaN`, `INF`, `-INF`.
    static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "INF" : "-INF" }
        return String(format: "%.8g", value)
    }
}

/// Joins tensors along an axis.
struct ConcatOperator: ONNXOperator {
    let axis: Int

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        var parts: [ONNXTensor] = []
        for index in inputs.indices { parts.append(try inputs.tensor(index, "Concat")) }
        guard let first = parts.first else { throw ONNXEvaluationError(problem: "Concat has no inputs") }
        let rank = first.shape.count
        let axis = self.axis < 0 ? self.axis + rank : self.axis
        guard axis >= 0, axis < rank else {
            throw ONNXEvaluationError(problem: "Concat axis \(self.axis) is outside shape \(first.shape)")
        }
        for part in parts {
            guard part.shape.count == rank, part.type == first.type || (part.type != .string && first.type != .string),
                zip(part.shape, first.shape).enumerated().allSatisfy({
                    $0.offset == axis || $0.element.0 == $0.element.1
                })
            else {
                throw ONNXEvaluationError(problem: "Concat cannot join shapes \(first.shape) and \(part.shape)")
            }
        }
        let outer = first.shape[..<axis].reduce(1, *)
        var shape = first.shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        _ = try ONNXTensor.elementCount(shape, "Concat")
        if first.type == .string {
            var codes: [Int32] = []
            codes.reserveCapacity(shape.reduce(1, *))
            for group in 0..<outer {
                for part in parts {
                    let block = part.count / max(outer, 1)
                    codes += part.codes[(group * block)..<((group + 1) * block)]
                }
            }
            return [.tensor(ONNXTensor(strings: codes, shape: shape))]
        }
        var values: [Double] = []
        values.reserveCapacity(shape.reduce(1, *))
        for group in 0..<outer {
            for part in parts {
                let block = part.count / max(outer, 1)
                values += part.numbers[(group * block)..<((group + 1) * block)]
            }
        }
        return [.tensor(ONNXTensor(type: first.type, shape: shape, numbers: values))]
    }
}

extension ONNXTensor {
    /// The same elements under another shape with as many elements.
    func reshaped(_ shape: [Int], _ operation: String) throws(ONNXEvaluationError) -> ONNXTensor {
        guard try ONNXTensor.elementCount(shape, operation) == count else {
            throw ONNXEvaluationError(problem: "\(operation) cannot give shape \(self.shape) the shape \(shape)")
        }
        var copy = self
        copy.shape = shape
        return copy
    }
}

struct ReshapeOperator: ONNXOperator {
    let allowZero: Bool

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let input = try inputs.tensor(0, "Reshape")
        var shape = try inputs.numbers(1, "Reshape").numbers.map(ONNXTensor.integer)
        for (axis, size) in shape.enumerated() where size == 0 && !allowZero {
            guard axis < input.shape.count else {
                throw ONNXEvaluationError(problem: "Reshape copies dimension \(axis) that \(input.shape) lacks")
            }
            shape[axis] = input.shape[axis]
        }
        if let inferred = shape.firstIndex(of: -1) {
            var others = shape
            others.remove(at: inferred)
            let known = try ONNXTensor.elementCount(others, "Reshape")
            guard known > 0, input.count % known == 0 else {
                throw ONNXEvaluationError(problem: "Reshape cannot give shape \(input.shape) the shape \(shape)")
            }
            shape[inferred] = input.count / known
        }
        return [.tensor(try input.reshaped(shape, "Reshape"))]
    }
}

struct FlattenOperator: ONNXOperator {
    let axis: Int

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let input = try inputs.tensor(0, "Flatten")
        let axis = self.axis < 0 ? self.axis + input.shape.count : self.axis
        guard axis >= 0, axis <= input.shape.count else {
            throw ONNXEvaluationError(problem: "Flatten axis \(self.axis) is outside shape \(input.shape)")
        }
        let rows = try ONNXTensor.elementCount(Array(input.shape[..<axis]), "Flatten")
        return [.tensor(try input.reshaped([rows, input.count / Swift.max(rows, 1)], "Flatten"))]
    }
}

struct SqueezeOperator: ONNXOperator {
    let squeezes: Bool
    let axes: [Int]?

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let operation = squeezes ? "Squeeze" : "Unsqueeze"
        let input = try inputs.tensor(0, operation)
        var shape = input.shape
        if squeezes {
            let rank = shape.count
            let axes = Set((axes ?? shape.indices.filter { shape[$0] == 1 }).map { $0 < 0 ? $0 + rank : $0 })
            guard axes.allSatisfy({ $0 >= 0 && $0 < rank && shape[$0] == 1 }) else {
                throw ONNXEvaluationError(problem: "Squeeze cannot remove axes \(axes.sorted()) of shape \(shape)")
            }
            shape = shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
        } else {
            guard let axes else { throw ONNXEvaluationError(problem: "Unsqueeze needs axes") }
            let rank = shape.count + axes.count
            guard rank <= ONNXTensor.maximumRank else {
                throw ONNXEvaluationError(problem: "Unsqueeze would make a tensor of \(rank) dimensions")
            }
            for axis in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() {
                guard axis >= 0, axis <= shape.count else {
                    throw ONNXEvaluationError(problem: "Unsqueeze axis \(axis) is outside shape \(input.shape)")
                }
                shape.insert(1, at: axis)
            }
        }
        return [.tensor(try input.reshaped(shape, operation))]
    }
}

/// Picks slices along an axis by index (negative indices count from the end).
struct GatherOperator: ONNXOperator {
    let axis: Int

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let data = try inputs.tensor(0, "Gather")
        let indices = try inputs.numbers(1, "Gather")
        let rank = data.shape.count
        let axis = self.axis < 0 ? self.axis + rank : self.axis
        guard axis >= 0, axis < rank else {
            throw ONNXEvaluationError(problem: "Gather axis \(self.axis) is outside shape \(data.shape)")
        }
        let size = data.shape[axis]
        var chosen: [Int] = []
        for index in indices.numbers.map(ONNXTensor.integer) {
            let resolved = index < 0 ? index + size : index
            guard resolved >= 0, resolved < size else {
                throw ONNXEvaluationError(problem: "Gather index \(index) is outside 0..<\(size)")
            }
            chosen.append(resolved)
        }
        let outer = data.shape[..<axis].reduce(1, *)
        let inner = data.shape[(axis + 1)...].reduce(1, *)
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        _ = try ONNXTensor.elementCount(shape, "Gather")
        var positions: [Int] = []
        positions.reserveCapacity(outer * chosen.count * inner)
        for group in 0..<outer {
            for index in chosen {
                let start = (group * size + index) * inner
                positions += start..<(start + inner)
            }
        }
        return [.tensor(data.picking(positions, shape: shape))]
    }
}

extension ONNXTensor {
    /// The elements at `positions`, in that order, under `shape`.
    func picking(_ positions: [Int], shape: [Int]) -> ONNXTensor {
        type == .string
            ? ONNXTensor(strings: positions.map { codes[$0] }, shape: shape)
            : ONNXTensor(type: type, shape: shape, numbers: positions.map { numbers[$0] })
    }
}

/// `Slice`: bounds from attributes (before opset 10) or from inputs.
struct SliceOperator: ONNXOperator {
    let constantBounds: (starts: [Int64], ends: [Int64], axes: [Int64])?

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let data = try inputs.tensor(0, "Slice")
        let rank = data.shape.count
        var starts: [Int64]
        var ends: [Int64]
        var axes: [Int64]
        var steps: [Int64]
        if let constantBounds {
            (starts, ends, axes) = constantBounds
            steps = Array(repeating: 1, count: starts.count)
        } else {
            starts = try inputs.numbers(1, "Slice").numbers.map { Int64(ONNXTensor.integer($0)) }
            ends = try inputs.numbers(2, "Slice").numbers.map { Int64(ONNXTensor.integer($0)) }
            axes =
                try inputs.optionalTensor(3, "Slice")?.numbers.map { Int64(ONNXTensor.integer($0)) }
                ?? (0..<Int64(starts.count)).map { $0 }
            steps =
                try inputs.optionalTensor(4, "Slice")?.numbers.map { Int64(ONNXTensor.integer($0)) }
                ?? Array(repeating: 1, count: starts.count)
        }
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw ONNXEvaluationError(problem: "Slice's starts, ends, axes and steps differ in length")
        }
        // Per axis, the chosen indices.
        var chosen = data.shape.map { Array(0..<$0) }
        for k in starts.indices {
            let axis = Int(axes[k] < 0 ? axes[k] + Int64(rank) : axes[k])
            guard axis >= 0, axis < rank, steps[k] != 0 else {
                throw ONNXEvaluationError(problem: "Slice axis \(axes[k]) or step \(steps[k]) is invalid")
            }
            let size = Int64(data.shape[axis])
            func clamp(_ value: Int64, _ low: Int64, _ high: Int64) -> Int64 { Swift.min(Swift.max(value, low), high) }
            var start = starts[k] < 0 ? starts[k] + size : starts[k]
            var end = ends[k] < 0 ? ends[k] + size : ends[k]
            if steps[k] > 0 {
                start = clamp(start, 0, size)
                end = clamp(end, 0, size)
                chosen[axis] = Array(stride(from: Int(start), to: Int(end), by: Int(steps[k])))
            } else {
                start = clamp(start, 0, size - 1)
                end = clamp(end, -1, size - 1)
                chosen[axis] = Array(stride(from: Int(start), to: Int(end), by: Int(steps[k])))
            }
        }
        let shape = chosen.map(\.count)
        var strides = Array(repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * data.shape[axis + 1]
        }
        var positions: [Int] = [0]
        for axis in 0..<rank {
            positions = positions.flatMap { base in chosen[axis].map { base + $0 * strides[axis] } }
        }
        return [.tensor(data.picking(shape.contains(0) ? [] : positions, shape: shape))]
    }
}

struct ShapeOperator: ONNXOperator {
    let start: Int
    let end: Int?

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let shape = try inputs.tensor(0, "Shape").shape
        let rank = shape.count
        func clamp(_ value: Int) -> Int { Swift.min(Swift.max(value < 0 ? value + rank : value, 0), rank) }
        let (low, high) = (clamp(start), clamp(end ?? rank))
        let dims = low < high ? Array(shape[low..<high]) : []
        return [.tensor(ONNXTensor(type: .int64, shape: [dims.count], numbers: dims.map(Double.init)))]
    }
}

struct TransposeOperator: ONNXOperator {
    let permutation: [Int]?

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let data = try inputs.tensor(0, "Transpose")
        let rank = data.shape.count
        let permutation = self.permutation ?? Array((0..<rank).reversed())
        guard permutation.sorted() == Array(0..<rank) else {
            throw ONNXEvaluationError(problem: "Transpose permutation \(permutation) does not fit shape \(data.shape)")
        }
        let shape = permutation.map { data.shape[$0] }
        var strides = Array(repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * data.shape[axis + 1]
        }
        var positions: [Int] = [0]
        for axis in permutation {
            positions = positions.flatMap { base in (0..<data.shape[axis]).map { base + $0 * strides[axis] } }
        }
        return [.tensor(data.picking(shape.contains(0) ? [] : positions, shape: shape))]
    }
}
