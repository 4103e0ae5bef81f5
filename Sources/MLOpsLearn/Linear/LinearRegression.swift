import MLOpsErrors

/// Least squares with an optional ridge penalty, solved exactly through the normal equations.
enum LinearRegression {
    /// Fits `target` on `design`; the intercept is not penalized.
    static func fit(design: DesignMatrix, target: [Double], l2: Double) -> LinearModel {
        let n = design.rows
        let p = design.width
        var columnMeans = Array(repeating: 0.0, count: p)
        var targetMean = 0.0
        for row in 0..<n {
            for column in 0..<p { columnMeans[column] += design.values[row * p + column] }
            targetMean += target[row]
        }
        for column in 0..<p { columnMeans[column] /= Double(n) }
        targetMean /= Double(n)

        // Centering makes the intercept drop out of the system: (XcᵀXc + λI) w = Xcᵀ(y − ȳ).
        var gram = Array(repeating: 0.0, count: p * p)
        var moment = Array(repeating: 0.0, count: p)
        var centered = Array(repeating: 0.0, count: p)
        for row in 0..<n {
            for column in 0..<p { centered[column] = design.values[row * p + column] - columnMeans[column] }
            let y = target[row] - targetMean
            for i in 0..<p {
                let xi = centered[i]
                moment[i] += xi * y
                for j in i..<p { gram[i * p + j] += xi * centered[j] }
            }
        }
        for i in 0..<p {
            for j in 0..<i { gram[i * p + j] = gram[j * p + i] }
            gram[i * p + i] += l2
        }
        let weights = SymmetricSolver.solve(gram, moment, size: p)
        var intercept = targetMean
        for column in 0..<p { intercept -= weights[column] * columnMeans[column] }
        return LinearModel(
            means: design.means, scales: design.scales, coefficients: [weights], intercepts: [intercept])
    }
}

/// Solves symmetric positive semi-definite systems by Cholesky factorization.
enum SymmetricSolver {
    /// Solves `matrix · x = vector`. A singular system (collinear features without a ridge penalty) is
    /// regularized with the smallest diagonal jitter that makes it factor, which yields the minimum-norm-like
    /// solution least squares users expect instead of a failure.
    static func solve(_ matrix: [Double], _ vector: [Double], size: Int) -> [Double] {
        guard size > 0 else { return [] }
        let trace = (0..<size).reduce(0.0) { $0 + matrix[$1 * size + $1] }
        var jitter = 0.0
        // Twenty steps take the jitter from 1e-12 to 1e28 of the trace; a matrix that still does not factor
        // holds non-finite values, and its solution is NaN (which training reports).
        for _ in 0..<20 {
            if let factor = cholesky(matrix, size: size, jitter: jitter) {
                return substitute(factor, vector, size: size)
            }
            jitter = jitter == 0 ? max(trace / Double(size), 1) * 1e-12 : jitter * 100
        }
        return Array(repeating: .nan, count: size)
    }

    private static func cholesky(_ matrix: [Double], size: Int, jitter: Double) -> [Double]? {
        var lower = Array(repeating: 0.0, count: size * size)
        for i in 0..<size {
            for j in 0...i {
                var sum = matrix[i * size + j] + (i == j ? jitter : 0)
                for k in 0..<j { sum -= lower[i * size + k] * lower[j * size + k] }
                if i == j {
                    guard sum > 1e-12 * max(1, abs(matrix[i * size + i])) else { return nil }
                    lower[i * size + i] = sum.squareRoot()
                } else {
                    lower[i * size + j] = sum / lower[j * size + j]
                }
            }
        }
        return lower
    }

    private static func substitute(_ lower: [Double], _ vector: [Double], size: Int) -> [Double] {
        var y = vector
        for i in 0..<size {
            for k in 0..<i { y[i] -= lower[i * size + k] * y[k] }
            y[i] /= lower[i * size + i]
        }
        for i in stride(from: size - 1, through: 0, by: -1) {
            for k in (i + 1)..<size { y[i] -= lower[k * size + i] * y[k] }
            y[i] /= lower[i * size + i]
        }
        return y
    }
}
