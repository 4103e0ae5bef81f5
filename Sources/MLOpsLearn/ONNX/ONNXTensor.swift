/// A value flowing through an ONNX graph while it is evaluated.
///
/// Numbers of every numeric type are held as `Double`: exact for every float, and for every integer a tabular
/// model uses. Operators round results to their element type (``ONNXTensor/rounded(_:)``), so a float tensor
/// only ever holds values a `Float` can hold, as ONNX Runtime's would. Strings are held as codes into the
/// program's vocabulary (every string the graph names); text the graph never names is code -1, which no
/// category, key or label of the graph can equal.
struct ONNXTensor: Sendable {
    typealias ElementType = ONNXDocument.ElementType

    var type: ElementType
    var shape: [Int]
    /// The values, row-major (empty for strings).
    var numbers: [Double]
    /// For strings: vocabulary codes, row-major.
    var codes: [Int32]

    init(type: ElementType, shape: [Int], numbers: [Double]) {
        self.type = type
        self.shape = shape
        self.numbers = numbers
        codes = []
    }

    init(strings codes: [Int32], shape: [Int]) {
        type = .string
        self.shape = shape
        numbers = []
        self.codes = codes
    }

    /// The number of elements.
    var count: Int { type == .string ? codes.count : numbers.count }

    /// `value` as an element of `type` holds it: rounded to the nearest `Float` for floats, truncated toward
    /// zero (saturating, NaN as 0) for integers, 0 or 1 for booleans.
    static func rounded(_ value: Double, to type: ElementType) -> Double {
        switch type {
        case .float, .float16: return Double(Float(value))
        case .double, .string: return value
        case .bool: return value != 0 && !value.isNaN ? 1 : 0
        default:
            // Saturating, like a cast that cannot trap: NaN is 0, out-of-range values the extremes.
            guard !value.isNaN else { return 0 }
            return Swift.min(Swift.max(value.rounded(.towardZero), -9.223_372_036_854_775e18), 9.223_372_036_854_775e18)
        }
    }

    /// Rounds every value to `type` in place (one tight pass: the common float case vectorizes).
    static func round(_ values: inout [Double], to type: ElementType) {
        switch type {
        case .double, .string: return
        case .float, .float16:
            values.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = Double(Float(buffer[index])) }
            }
        default:
            for index in values.indices { values[index] = rounded(values[index], to: type) }
        }
    }

    /// The same values as `type`.
    func rounded(to type: ElementType) -> ONNXTensor {
        ONNXTensor(type: type, shape: shape, numbers: numbers.map { Self.rounded($0, to: type) })
    }

    /// The most elements one operator may produce: far more than a batch of tabular rows needs, few enough that a
    /// hostile graph (a Reshape or ConstantOfShape to an enormous shape) cannot exhaust memory.
    static let maximumElements = 1 << 24

    /// The most dimensions a tensor may have.
    static let maximumRank = 32

    /// The number of elements of `shape`.
    ///
    /// - Throws: when a dimension is negative or the count exceeds ``maximumElements``.
    static func elementCount(_ shape: [Int], _ operation: String) throws(ONNXEvaluationError) -> Int {
        guard shape.count <= maximumRank else {
            throw ONNXEvaluationError(problem: "\(operation) would make a tensor of \(shape.count) dimensions")
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard dimension >= 0, !overflow, product <= maximumElements else {
                throw ONNXEvaluationError(problem: "\(operation) would make a tensor of shape \(shape)")
            }
            count = product
        }
        return count
    }

    /// A number used as an index, size or axis: NaN is 0, and values beyond ±2⁵³ are clamped there, so converting
    /// one can never trap (the indices it gives are checked against the shapes they index).
    static func integer(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        return Int(Swift.min(Swift.max(value, -9_007_199_254_740_992), 9_007_199_254_740_992))
    }

    /// The last dimension, or 1 for a scalar.
    var width: Int { shape.last ?? 1 }

    /// The number of rows when the tensor is read as `[rows, width]`.
    var rows: Int { width == 0 ? 0 : count / width }
}

/// A value of a graph: a tensor, or the sequence of maps (one per row, class label → probability) ZipMap makes.
enum ONNXValue: Sendable {
    case tensor(ONNXTensor)
    /// One map per row of `values` (`[N, C]`), keyed by `keys` (C labels, int64 or string).
    case maps(keys: ONNXTensor, values: ONNXTensor)
}

extension ONNXValue {
    /// The number of elements it holds.
    var count: Int {
        switch self {
        case .tensor(let tensor): return tensor.count
        case .maps(let keys, let values): return keys.count + values.count
        }
    }
}

/// Why evaluating a graph failed on some input: the operator and the problem, in words.
struct ONNXEvaluationError: Error, Sendable {
    let problem: String
}

/// The element positions of two shapes broadcast together (numpy's multidirectional broadcasting).
struct Broadcast {
    let shape: [Int]
    /// For each output element, the index into the first and the second operand.
    private let leftStrides: [Int]
    private let rightStrides: [Int]

    init(_ left: [Int], _ right: [Int]) throws(ONNXEvaluationError) {
        let rank = max(left.count, right.count)
        let a = Array(repeating: 1, count: rank - left.count) + left
        let b = Array(repeating: 1, count: rank - right.count) + right
        var shape: [Int] = []
        for (x, y) in zip(a, b) {
            guard x == y || x == 1 || y == 1 else {
                throw ONNXEvaluationError(problem: "shapes \(left) and \(right) cannot be broadcast together")
            }
            shape.append(x == 1 ? y : x)
        }
        _ = try ONNXTensor.elementCount(shape, "broadcasting")
        self.shape = shape
        leftStrides = Self.strides(a)
        rightStrides = Self.strides(b)
    }

    /// Row-major strides, 0 along dimensions of size 1 (those broadcast).
    private static func strides(_ shape: [Int]) -> [Int] {
        var strides = Array(repeating: 0, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = shape[axis] == 1 ? 0 : step
            step *= shape[axis]
        }
        return strides
    }

    /// Calls `body(output, left, right)` for every output element in order.
    func forEach(_ body: (Int, Int, Int) -> Void) {
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        var index = Array(repeating: 0, count: shape.count)
        var left = 0
        var right = 0
        for output in 0..<count {
            body(output, left, right)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                left += leftStrides[axis]
                right += rightStrides[axis]
                if index[axis] < shape[axis] { break }
                left -= leftStrides[axis] * shape[axis]
                right -= rightStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
