/// The encoded, row-major feature matrix linear learners fit: standardized numeric columns (missing → 0, the
/// mean) and reference-coded categorical indicators, as ``LinearModel`` documents.
struct DesignMatrix {
    /// Row-major values, `width` per row.
    var values: [Double]
    var rows: Int
    var width: Int
    /// Per signature feature, the mean and scale used to standardize it.
    var means: [Double]
    var scales: [Double]

    /// Encodes `features` (already coded in the signature's levels) with statistics learned from them.
    init(features: [Column]) {
        rows = features.first?.count ?? 0
        width = features.reduce(0) { $0 + ($1.kind == .numeric ? 1 : max(0, ($1.levels?.count ?? 1) - 1)) }
        means = []
        scales = []
        values = Array(repeating: 0, count: rows * width)
        var offset = 0
        for column in features {
            switch column.storage {
            case .numeric(let data):
                var sum = 0.0
                var count = 0.0
                for value in data where !value.isNaN {
                    sum += value
                    count += 1
                }
                let mean = count > 0 ? sum / count : 0
                var squares = 0.0
                for value in data where !value.isNaN { squares += (value - mean) * (value - mean) }
                let deviation = count > 0 ? (squares / count).squareRoot() : 0
                let scale = deviation > 0 ? deviation : 1
                means.append(mean)
                scales.append(scale)
                for row in 0..<rows where !data[row].isNaN {
                    values[row * width + offset] = (data[row] - mean) / scale
                }
                offset += 1
            case .categorical(let codes, let levels):
                means.append(0)
                scales.append(1)
                for row in 0..<rows where codes[row] >= 1 {
                    values[row * width + offset + Int(codes[row]) - 1] = 1
                }
                offset += max(0, levels.count - 1)
            }
        }
    }
}
