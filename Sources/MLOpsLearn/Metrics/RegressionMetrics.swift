/// Error measures of numeric predictions, defined as scikit-learn defines them.
public struct RegressionMetrics: Codable, Sendable, Equatable {
    /// Root mean squared error.
    public var rmse: Double
    /// Mean absolute error.
    public var mae: Double
    /// Coefficient of determination, 1 − SS_res / SS_tot (0 when the truth is constant and matched, as
    /// scikit-learn reports 1.0 then; see ``init(truth:predictions:)``).
    public var r2: Double
    /// Mean absolute percentage error as a fraction (0.1 = 10 %), with |truth| floored at machine epsilon.
    public var mape: Double

    /// Computes the metrics; `truth` and `predictions` must have the same, non-zero length.
    public init(truth: [Double], predictions: [Double]) {
        precondition(truth.count == predictions.count && !truth.isEmpty)
        let count = Double(truth.count)
        var squared = 0.0
        var absolute = 0.0
        var percentage = 0.0
        var mean = 0.0
        for (y, p) in zip(truth, predictions) {
            let error = y - p
            squared += error * error
            absolute += abs(error)
            percentage += abs(error) / max(abs(y), Double.ulpOfOne)
            mean += y
        }
        mean /= count
        var total = 0.0
        for y in truth { total += (y - mean) * (y - mean) }
        rmse = (squared / count).squareRoot()
        mae = absolute / count
        mape = percentage / count
        if total == 0 {
            r2 = squared == 0 ? 1 : 0
        } else {
            r2 = 1 - squared / total
        }
    }

    /// The metrics by name, as quality gates and run logs refer to them.
    public var named: [String: Double] { ["rmse": rmse, "mae": mae, "r2": r2, "mape": mape] }
}
