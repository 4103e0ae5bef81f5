import MLOpsErrors
import MLOpsLearn

/// An absolute quality gate: a metric compared with a threshold (`rmse < 3.5`, `r2 >= 0.8`).
public struct QualityGate: Codable, Sendable, Equatable, CustomStringConvertible {
    public var metric: String
    /// `<`, `<=`, `>`, `>=` or `=`.
    public var comparison: String
    public var threshold: Double

    /// Parses `metric op number`.
    public init(parsing text: String) throws {
        let operators = ["<=", ">=", "==", "<", ">", "="]
        guard let op = operators.first(where: { text.contains($0) }),
            let range = text.range(of: op)
        else {
            throw MLOpsError(
                .usage, "bad gate '\(text)': expected metric, comparison and number",
                hint: "for example: rmse < 3.5")
        }
        let metric = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        let value = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
        guard !metric.isEmpty, let threshold = Double(value), threshold.isFinite else {
            throw MLOpsError(
                .usage, "bad gate '\(text)': expected metric, comparison and number",
                hint: "for example: rmse < 3.5")
        }
        self.metric = metric
        self.comparison = op == "==" ? "=" : op
        self.threshold = threshold
    }

    /// Whether `value` passes.
    public func passes(_ value: Double) -> Bool {
        switch comparison {
        case "<": return value < threshold
        case "<=": return value <= threshold
        case ">": return value > threshold
        case ">=": return value >= threshold
        default: return value == threshold
        }
    }

    public var description: String { "\(metric) \(comparison) \(NumberFormat.shortest(threshold))" }
}

/// A relative gate: the most a metric may get worse than the baseline's, as a fraction (`rmse=2%` → 0.02).
public struct RegressionLimit: Codable, Sendable, Equatable, CustomStringConvertible {
    public var metric: String
    public var fraction: Double

    /// Parses `metric=2%` or `metric=0.02`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let amount = parts.count == 2 ? parts[1] : ""
        let fraction = amount.hasSuffix("%") ? Double(amount.dropLast()).map { $0 / 100 } : Double(amount)
        guard parts.count == 2, !parts[0].isEmpty, let fraction, fraction >= 0, fraction.isFinite else {
            throw MLOpsError(
                .usage, "bad regression limit '\(text)': expected metric=percent",
                hint: "for example: rmse=2%")
        }
        metric = parts[0]
        self.fraction = fraction
    }

    public var description: String { "\(metric) within \(NumberFormat.shortest(fraction * 100))% of the baseline" }

    /// Whether `actual` is within the limit of the baseline's `reference` value (the bound is the limit).
    public func check(_ actual: Double, baseline reference: Double) -> EvaluationReport.GateResult {
        let allowance = abs(reference) * fraction
        let lowerIsBetter = Evaluation.lowerIsBetter(metric)
        let bound = lowerIsBetter ? reference + allowance : reference - allowance
        return .init(
            gate: description, metric: metric, value: actual, limit: bound,
            passed: lowerIsBetter ? actual <= bound : actual >= bound)
    }
}

extension QualityGate {
    /// The gate's result for `actual`.
    public func check(_ actual: Double) -> EvaluationReport.GateResult {
        .init(gate: description, metric: metric, value: actual, limit: threshold, passed: passes(actual))
    }
}
