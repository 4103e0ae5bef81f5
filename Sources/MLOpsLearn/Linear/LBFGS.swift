/// Limited-memory BFGS minimization with a backtracking (Armijo) line search: deterministic, allocation-light,
/// and enough for the smooth convex losses of logistic regression.
enum LBFGS {
    /// Minimizes `objective` (which returns the value and writes the gradient) from `start`.
    ///
    /// Stops when the gradient's largest entry falls below `tolerance`, after `maxIterations`, or when the line
    /// search can make no more progress.
    static func minimize(
        start: [Double], maxIterations: Int, tolerance: Double, memory: Int = 10,
        objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
    ) -> [Double] {
        let n = start.count
        var x = start
        var gradient = Array(repeating: 0.0, count: n)
        var value = objective(x, &gradient)
        var steps: [[Double]] = []
        var changes: [[Double]] = []
        var curvatures: [Double] = []
        var candidate = x
        var candidateGradient = gradient

        for _ in 0..<maxIterations {
            if gradient.reduce(0.0, { max($0, abs($1)) }) < tolerance { break }
            // Two-loop recursion: direction = −H·g from the stored (s, y) pairs.
            var direction = gradient.map { -$0 }
            var alphas = Array(repeating: 0.0, count: steps.count)
            for index in stride(from: steps.count - 1, through: 0, by: -1) {
                alphas[index] = curvatures[index] * dot(steps[index], direction)
                axpy(-alphas[index], changes[index], &direction)
            }
            if let lastStep = steps.last, let lastChange = changes.last {
                let scale = dot(lastStep, lastChange) / dot(lastChange, lastChange)
                for index in 0..<n { direction[index] *= scale }
            } else {
                let norm = dot(gradient, gradient).squareRoot()
                for index in 0..<n { direction[index] /= max(norm, 1) }
            }
            for index in 0..<steps.count {
                let beta = curvatures[index] * dot(changes[index], direction)
                axpy(alphas[index] - beta, steps[index], &direction)
            }
            var slope = dot(gradient, direction)
            if slope >= 0 {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                steps.removeAll()
                changes.removeAll()
                curvatures.removeAll()
                direction = gradient.map { -$0 }
                slope = -dot(gradient, gradient)
            }
            var step = 1.0
            var candidateValue = value
            var accepted = false
            for _ in 0..<40 {
                for index in 0..<n { candidate[index] = x[index] + step * direction[index] }
                candidateValue = objective(candidate, &candidateGradient)
                if candidateValue <= value + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            guard accepted else { break }
            let s = (0..<n).map { candidate[$0] - x[$0] }
            let y = (0..<n).map { candidateGradient[$0] - gradient[$0] }
            let sy = dot(s, y)
            if sy > 1e-12 {
                steps.append(s)
                changes.append(y)
                curvatures.append(1 / sy)
                if steps.count > memory {
                    steps.removeFirst()
                    changes.removeFirst()
                    curvatures.removeFirst()
                }
            }
            let improvement = value - candidateValue
            swap(&x, &candidate)
            swap(&gradient, &candidateGradient)
            value = candidateValue
            if improvement <= 1e-15 * max(abs(value), 1) { break }
        }
        return x
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for index in a.indices { sum += a[index] * b[index] }
        return sum
    }

    private static func axpy(_ scale: Double, _ x: [Double], _ y: inout [Double]) {
        for index in x.indices { y[index] += scale * x[index] }
    }
}
