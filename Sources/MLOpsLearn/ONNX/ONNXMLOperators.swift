import Foundation

/// The `ai.onnx.ml` operators that prepare features and shape outputs: `Scaler`, `Imputer`, `Binarizer`,
/// `Normalizer`, `OneHotEncoder`, `LabelEncoder`, `ArrayFeatureExtractor`, `FeatureVectorizer`, `ZipMap` and
/// `CastMap`. Semantics follow ONNX Runtime's CPU kernels.
enum MLOperators {
    static func compile(_ reader: ONNXNodeReader, vocabulary: ONNXVocabulary) throws(ONNXCompileError)
        -> (any ONNXOperator)?
    {
        switch reader.node.opType {
        case "Scaler":
            return ScalerOperator(
                offset: try reader.numbers("offset") ?? [0], scale: try reader.numbers("scale") ?? [1])
        case "Imputer":
            if let ints = try reader.ints("imputed_value_int64s"), !ints.isEmpty {
                return ImputerOperator(
                    imputed: ints.map(Double.init), replaced: Double(try reader.int("replaced_value_int64", default: 0))
                )
            }
            guard let floats = try reader.numbers("imputed_value_floats"), !floats.isEmpty else {
                throw reader.invalid("Imputer has no imputed values")
            }
            return ImputerOperator(
                imputed: floats, replaced: Double(try reader.float("replaced_value_float", default: 0)))
        case "Binarizer": return BinarizerOperator(threshold: Double(try reader.float("threshold", default: 0)))
        case "Normalizer":
            let norm = try reader.string("norm", default: "MAX")
            guard ["MAX", "L1", "L2"].contains(norm) else {
                throw reader.invalid("norm '\(norm)' is not MAX, L1 or L2")
            }
            return NormalizerOperator(norm: norm)
        case "OneHotEncoder":
            let categories: [Double]
            if let strings = try reader.strings("cats_strings") {
                categories = strings.map { Double(vocabulary.code($0)) }
            } else if let ints = try reader.ints("cats_int64s") {
                categories = ints.map(Double.init)
            } else {
                throw reader.invalid("OneHotEncoder has no categories")
            }
            return OneHotEncoderOperator(
                positions: Dictionary(categories.enumerated().map { ($1, $0) }, uniquingKeysWith: { _, last in last }),
                width: categories.count, zeros: try reader.int("zeros", default: 1) != 0)
        case "LabelEncoder": return try LabelEncoderOperator.compile(reader, vocabulary: vocabulary)
        case "ArrayFeatureExtractor": return ArrayFeatureExtractorOperator()
        case "FeatureVectorizer":
            return FeatureVectorizerOperator(dimensions: try reader.ints("inputdimensions")?.map { Int($0) } ?? [])
        case "ZipMap":
            if let strings = try reader.strings("classlabels_strings") {
                return ZipMapOperator(
                    keys: ONNXTensor(strings: strings.map { vocabulary.code($0) }, shape: [strings.count]))
            }
            guard let ints = try reader.ints("classlabels_int64s") else {
                throw reader.invalid("ZipMap has no class labels")
            }
            return ZipMapOperator(keys: ONNXTensor(type: .int64, shape: [ints.count], numbers: ints.map(Double.init)))
        case "CastMap":
            let form = try reader.string("map_form", default: "DENSE")
            guard form == "DENSE" else { throw .unsupported("CastMap with map_form \(form)") }
            let target = try reader.string("cast_to", default: "TO_FLOAT")
            let type: ONNXDocument.ElementType =
                target == "TO_STRING" ? .string : target == "TO_INT64" ? .int64 : .float
            return CastMapOperator(type: type)
        default: return nil
        }
    }
}

/// Rows of a tensor read as `[rows, width]`, as `Double`s, for the operators that work on feature rows.
extension ONNXTensor {
    /// A float tensor of the same shape with `values`.
    func floats(_ values: [Double], shape: [Int]? = nil) -> ONNXTensor {
        ONNXTensor(type: .float, shape: shape ?? self.shape, numbers: values.map { Double(Float($0)) })
    }
}

/// `(x − offset) · scale` per column (one value applies to every column); the result is float.
struct ScalerOperator: ONNXOperator {
    let offset: [Double]
    let scale: [Double]

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.numbers(0, "Scaler")
        let width = x.width
        guard offset.count == 1 || offset.count == width, scale.count == 1 || scale.count == width else {
            throw ONNXEvaluationError(problem: "Scaler has \(offset.count) offsets for \(width) columns")
        }
        // Per column, in the input's type as ONNX Runtime computes it (float, or double for a double input), the
        // result rounded to float.
        let offsets = (0..<width).map { offset.count == 1 ? offset[0] : offset[$0] }
        let scales = (0..<width).map { scale.count == 1 ? scale[0] : scale[$0] }
        let single = x.type != .double
        var values = x.numbers
        values.withUnsafeMutableBufferPointer { values in
            for start in stride(from: 0, to: values.count, by: max(width, 1)) {
                for column in 0..<width {
                    let value = values[start + column]
                    values[start + column] =
                        single
                        ? Double((Float(value) - Float(offsets[column])) * Float(scales[column]))
                        : Double(Float((value - offsets[column]) * scales[column]))
                }
            }
        }
        return [.tensor(ONNXTensor(type: .float, shape: x.shape, numbers: values))]
    }
}

/// Replaces a value (NaN by default) by each column's imputed value.
struct ImputerOperator: ONNXOperator {
    let imputed: [Double]
    let replaced: Double

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        var x = try inputs.numbers(0, "Imputer")
        let width = x.width
        guard imputed.count == 1 || imputed.count == width else {
            throw ONNXEvaluationError(problem: "Imputer has \(imputed.count) values for \(width) columns")
        }
        for index in x.numbers.indices {
            let value = x.numbers[index]
            guard replaced.isNaN ? value.isNaN : value == replaced else { continue }
            x.numbers[index] = ONNXTensor.rounded(imputed.count == 1 ? imputed[0] : imputed[index % width], to: x.type)
        }
        return [.tensor(x)]
    }
}

/// 1 where a value exceeds the threshold, else 0, in the input's type; a missing value is an error (as in ONNX
/// Runtime).
struct BinarizerOperator: ONNXOperator {
    let threshold: Double

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        var x = try inputs.numbers(0, "Binarizer")
        if x.numbers.contains(where: \.isNaN) {
            throw ONNXEvaluationError(problem: "Binarizer was given a missing value")
        }
        x.numbers = x.numbers.map { $0 > threshold ? 1 : 0 }
        return [.tensor(x)]
    }
}

/// Divides each row by its largest value (MAX), the sum of its absolute values (L1) or its Euclidean norm (L2),
/// in float, as ONNX Runtime does (L2 as the signed `sqrt(x² / Σx²)`).
struct NormalizerOperator: ONNXOperator {
    let norm: String

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.numbers(0, "Normalizer")
        let width = max(x.width, 1)
        var values = x.numbers
        for row in 0..<(values.count / width) {
            let range = (row * width)..<((row + 1) * width)
            let floats = values[range].map { Float($0) }
            switch norm {
            case "MAX":
                let largest = floats.reduce(-Float.greatestFiniteMagnitude) { Swift.max($0, $1) }
                for (index, value) in zip(range, floats) {
                    values[index] = Double(largest != 0 ? value / largest : value)
                }
            case "L1":
                let sum = floats.reduce(Float(0)) { $0 + abs($1) }
                for (index, value) in zip(range, floats) { values[index] = Double(sum != 0 ? value / sum : value) }
            default:
                let squares = floats.map { $0 * $0 }
                let sum = squares.reduce(Float(0), +)
                for (index, (value, square)) in zip(range, zip(floats, squares)) {
                    let scaled = sqrtf(square / sum)
                    values[index] = Double(sum != 0 ? (value < 0 ? -scaled : scaled) : value)
                }
            }
        }
        return [.tensor(x.floats(values))]
    }
}

/// One-hot encodes every element against the categories: shape `[…, K]` of floats.
struct OneHotEncoderOperator: ONNXOperator {
    /// Category (string code or number) → its position.
    let positions: [Double: Int]
    let width: Int
    /// Whether an unknown value encodes as all zeros (else it is an error).
    let zeros: Bool

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.tensor(0, "OneHotEncoder")
        _ = try ONNXTensor.elementCount(x.shape + [width], "OneHotEncoder")
        let keys = x.type == .string ? x.codes.map(Double.init) : x.numbers.map { $0.rounded(.towardZero) }
        var values = Array(repeating: 0.0, count: keys.count * width)
        for (index, key) in keys.enumerated() {
            if let position = positions[key] {
                values[index * width + position] = 1
            } else if !zeros {
                let shown = x.type == .string ? strings.text(Int32(key)) : "\(key)"
                throw ONNXEvaluationError(problem: "OneHotEncoder does not know the category '\(shown)'")
            }
        }
        return [.tensor(ONNXTensor(type: .float, shape: x.shape + [width], numbers: values))]
    }
}

/// Maps keys to values elementwise (strings, integers or floats either way), with a default for other keys.
struct LabelEncoderOperator: ONNXOperator {
    let table: [Double: Double]
    let defaultValue: Double
    let outputType: ONNXDocument.ElementType
    /// Whether the keys are strings (the input must then be strings too), or numbers.
    var stringKeys = true

    static func compile(_ reader: ONNXNodeReader, vocabulary: ONNXVocabulary) throws(ONNXCompileError)
        -> any ONNXOperator
    {
        /// Strings as their codes, numbers as themselves.
        func side(_ prefix: String) throws(ONNXCompileError) -> (values: [Double], type: ONNXDocument.ElementType)? {
            if let tensor = try reader.tensor("\(prefix)_tensor") {
                return tensor.type == .string
                    ? (tensor.strings.map { Double(vocabulary.code($0)) }, .string) : (tensor.numbers, tensor.type)
            }
            if let strings = try reader.strings("\(prefix)_strings") {
                return (strings.map { Double(vocabulary.code($0)) }, .string)
            }
            if let ints = try reader.ints("\(prefix)_int64s") { return (ints.map(Double.init), .int64) }
            if let floats = try reader.numbers("\(prefix)_floats") { return (floats, .float) }
            return nil
        }
        if reader.opset < 2 { return try LabelEncoderVersion1.compile(reader, vocabulary: vocabulary) }
        guard let keys = try side("keys"), let values = try side("values"), keys.values.count == values.values.count
        else { throw reader.invalid("LabelEncoder needs as many keys as values") }
        let defaultValue: Double
        if let tensor = try reader.tensor("default_tensor") {
            // The default is one of the values: text for string values, a number otherwise.
            guard (tensor.type == .string) == (values.type == .string),
                let first = tensor.type == .string
                    ? tensor.strings.first.map({ Double(vocabulary.code($0)) }) : tensor.numbers.first
            else { throw reader.invalid("its default_tensor is not one value of the values' type") }
            defaultValue = first
        } else {
            switch values.type {
            case .string:
                defaultValue = Double(vocabulary.code(try reader.string("default_string", default: "_Unused")))
            case .int64: defaultValue = Double(try reader.int("default_int64", default: -1))
            default: defaultValue = Double(try reader.float("default_float", default: -0.0))
            }
        }
        return LabelEncoderOperator(
            table: Dictionary(zip(keys.values, values.values), uniquingKeysWith: { first, _ in first }),
            defaultValue: defaultValue, outputType: values.type, stringKeys: keys.type == .string)
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.tensor(0, "LabelEncoder")
        guard (x.type == .string) == stringKeys else {
            throw ONNXEvaluationError(
                problem: "LabelEncoder's keys are \(stringKeys ? "strings" : "numbers"), its input is not")
        }
        let keys = x.type == .string ? x.codes.map(Double.init) : x.numbers
        let mapped = keys.map { table[$0] ?? defaultValue }
        if outputType == .string { return [.tensor(ONNXTensor(strings: mapped.map { Int32($0) }, shape: x.shape))] }
        return [.tensor(ONNXTensor(type: outputType, shape: x.shape, numbers: mapped))]
    }
}

/// `LabelEncoder` version 1: `classes_strings` by position, strings → int64 (`default_int64`) or int64 → strings
/// (`default_string`), whichever way the input's type asks.
struct LabelEncoderVersion1: ONNXOperator {
    let classes: [Int32]
    /// Class code → its position.
    let positions: [Int32: Double]
    let defaultString: Int32
    let defaultInteger: Double

    static func compile(_ reader: ONNXNodeReader, vocabulary: ONNXVocabulary) throws(ONNXCompileError)
        -> LabelEncoderVersion1
    {
        let classes = (try reader.strings("classes_strings") ?? []).map { vocabulary.code($0) }
        return LabelEncoderVersion1(
            classes: classes,
            positions: Dictionary(
                classes.enumerated().map { ($1, Double($0)) }, uniquingKeysWith: { first, _ in first }),
            defaultString: vocabulary.code(try reader.string("default_string", default: "_Unused")),
            defaultInteger: Double(try reader.int("default_int64", default: -1)))
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.tensor(0, "LabelEncoder")
        if x.type == .string {
            let values = x.codes.map { code in code >= 0 ? positions[code] ?? defaultInteger : defaultInteger }
            return [.tensor(ONNXTensor(type: .int64, shape: x.shape, numbers: values))]
        }
        let codes = x.numbers.map { value in
            value >= 0 && value < Double(classes.count) ? classes[Int(value)] : defaultString
        }
        return [.tensor(ONNXTensor(strings: codes, shape: x.shape))]
    }
}

/// Selects columns (along the last axis) by index: `[…, F]` and k indices give `[…, k]`; a 1-D input gives
/// `[1, k]`.
struct ArrayFeatureExtractorOperator: ONNXOperator {
    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.tensor(0, "ArrayFeatureExtractor")
        let indices = try inputs.numbers(1, "ArrayFeatureExtractor").numbers.map(ONNXTensor.integer)
        let width = x.width
        guard indices.allSatisfy({ $0 >= 0 && $0 < width }) else {
            throw ONNXEvaluationError(problem: "ArrayFeatureExtractor index outside 0..<\(width)")
        }
        let shape = x.shape.count <= 1 ? [1, indices.count] : Array(x.shape.dropLast()) + [indices.count]
        _ = try ONNXTensor.elementCount(shape, "ArrayFeatureExtractor")
        let rows = x.rows
        var positions: [Int] = []
        positions.reserveCapacity(rows * indices.count)
        for row in 0..<rows { for index in indices { positions.append(row * width + index) } }
        return [.tensor(x.picking(positions, shape: shape))]
    }
}

/// Concatenates its inputs' columns into one float matrix, each input padded or cut to its declared width.
struct FeatureVectorizerOperator: ONNXOperator {
    let dimensions: [Int]

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        var parts: [ONNXTensor] = []
        for index in inputs.indices { parts.append(try inputs.numbers(index, "FeatureVectorizer")) }
        guard let rows = parts.first.map({ $0.shape.count <= 1 ? 1 : $0.rows }) else {
            throw ONNXEvaluationError(problem: "FeatureVectorizer has no inputs")
        }
        let widths = parts.indices.map { $0 < dimensions.count ? dimensions[$0] : parts[$0].width }
        guard widths.allSatisfy({ $0 >= 0 && $0 <= ONNXTensor.maximumElements }) else {
            throw ONNXEvaluationError(problem: "FeatureVectorizer has an impossible input dimension")
        }
        let total = widths.reduce(0, +)
        _ = try ONNXTensor.elementCount([rows, total], "FeatureVectorizer")
        var values = Array(repeating: 0.0, count: rows * total)
        var offset = 0
        for (part, width) in zip(parts, widths) {
            let given = part.shape.count <= 1 ? part.count : part.width
            guard part.count == rows * given else {
                throw ONNXEvaluationError(problem: "FeatureVectorizer inputs differ in their number of rows")
            }
            for row in 0..<rows {
                for column in 0..<min(width, given) {
                    values[row * total + offset + column] = part.numbers[row * given + column]
                }
            }
            offset += width
        }
        return [.tensor(ONNXTensor(type: .float, shape: [rows, total], numbers: values.map { Double(Float($0)) }))]
    }
}

/// Turns an `[N, C]` score matrix into one map per row, class label → score.
struct ZipMapOperator: ONNXOperator {
    let keys: ONNXTensor

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.numbers(0, "ZipMap")
        guard x.width == keys.count else {
            throw ONNXEvaluationError(problem: "ZipMap has \(keys.count) labels for \(x.width) columns")
        }
        return [.maps(keys: keys, values: x)]
    }
}

/// Turns maps keyed by integers into a dense tensor, values in key order.
struct CastMapOperator: ONNXOperator {
    let type: ONNXDocument.ElementType

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        guard let first = inputs.first, case .maps(let keys, let values) = first, keys.type != .string else {
            throw ONNXEvaluationError(problem: "CastMap needs maps keyed by integers")
        }
        let order = keys.numbers.indices.sorted { keys.numbers[$0] < keys.numbers[$1] }
        let width = keys.count
        var positions: [Int] = []
        for row in 0..<values.rows { for column in order { positions.append(row * width + column) } }
        let dense = values.picking(positions, shape: [values.rows, width])
        if type == .string {
            return [
                .tensor(ONNXTensor(strings: dense.numbers.map { strings.code("\(Float($0))") }, shape: dense.shape))
            ]
        }
        return [.tensor(dense.rounded(to: type))]
    }
}
