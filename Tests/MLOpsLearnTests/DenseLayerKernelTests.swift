import CDenseLayer
import Testing

/// The C kernel behind fused ONNX network layers: the run-time choice (AVX2 + FMA on this machine) and the
/// portable kernel (other processors and architectures) both compute `row · weights + bias` through ReLU as a
/// double-precision reference does, over shapes that leave partial vectors, an odd last row, and an inner
/// dimension of several blocks.
@Suite struct DenseLayerKernelTests {
    private struct Layer {
        let rows: Int
        let inner: Int
        let columns: Int
        var padded: Int { (columns + 7) / 8 * 8 }
        var input: [Float] = []
        var weights: [Float] = []
        var bias: [Float] = []

        init(rows: Int, inner: Int, columns: Int, seed: UInt64) {
            (self.rows, self.inner, self.columns) = (rows, inner, columns)
            var generator = SeededGenerator(seed: seed)
            func draw() -> Float { Float.random(in: -2...2, using: &generator) }
            input = (0..<(rows * inner)).map { _ in draw() }
            weights = [Float](repeating: 0, count: inner * padded)
            for k in 0..<inner { for column in 0..<columns { weights[k * padded + column] = draw() } }
            bias = [Float](repeating: 0, count: padded)
            for column in 0..<columns { bias[column] = draw() }
        }

        func reference(relu: Bool) -> [Double] {
            var output = [Double](repeating: 0, count: rows * columns)
            for row in 0..<rows {
                for column in 0..<columns {
                    var sum = 0.0
                    for k in 0..<inner {
                        sum += Double(input[row * inner + k]) * Double(weights[k * padded + column])
                    }
                    sum += Double(bias[column])
                    output[row * columns + column] = relu && sum < 0 ? 0 : sum
                }
            }
            return output
        }

        func run(relu: Bool, portable: Bool) -> [Double] {
            var output = [Float](repeating: .nan, count: rows * columns)
            let kernel = portable ? mlops_dense_layer_portable : mlops_dense_layer
            kernel(input, rows, inner, weights, padded, columns, bias, relu ? 1 : 0, &output)
            return output.map(Double.init)
        }
    }

    /// A small deterministic generator (SplitMix64), so a failure reproduces.
    private struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [(7, 6, 64), (33, 64, 32), (5, 13, 45), (1, 3, 1), (2, 40, 9), (3, 1000, 11)])
    func bothKernelsComputeTheLayer(rows: Int, inner: Int, columns: Int) {
        let layer = Layer(rows: rows, inner: inner, columns: columns, seed: UInt64(rows * 1000 + columns))
        for relu in [false, true] {
            let expected = layer.reference(relu: relu)
            for portable in [false, true] {
                let found = layer.run(relu: relu, portable: portable)
                let worst = zip(found, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .nan
                #expect(worst < 1e-4, "relu \(relu), portable \(portable): off by \(worst)")
                let negative = found.contains { $0 < 0 }
                #expect(relu ? !negative : negative)
            }
        }
    }

    @Test func aMissingValuePassesThroughReLU() {
        var layer = Layer(rows: 3, inner: 4, columns: 10, seed: 7)
        layer.input[5] = .nan  // row 1
        for portable in [false, true] {
            let missing = layer.run(relu: true, portable: portable).map { $0.isNaN }
            #expect(
                missing == Array(repeating: false, count: 10) + Array(repeating: true, count: 10)
                    + Array(repeating: false, count: 10), "portable \(portable)")
        }
    }
}
