import Foundation
import MLOpsErrors
import MLOpsLearn

/// What `mlops eval` checks.
public struct EvaluationOptions: Sendable {
    /// The model: `name@version`, `name@alias`, `name@latest` or `run:<id>`.
    public var model: String
    /// The labelled data file.
    public var data: String
    public var gates: [QualityGate] = []
    /// The version to compare with: an alias of the same model (`production`) or any model reference.
    public var baseline: String?
    public var maxRegressions: [RegressionLimit] = []
    /// Columns to read as categories even though they hold numbers.
    public var categorical: [String] = []

    public init(model: String, data: String) {
        self.model = model
        self.data = data
    }
}

/// The outcome of an evaluation: metrics, the baseline's, and every gate's verdict.
public struct EvaluationReport: Codable, Sendable {
    /// One gate's verdict.
    public struct GateResult: Codable, Sendable, Equatable {
        /// The gate as written (`rmse < 3.5`, `rmse within 2% of the baseline`).
        public var gate: String
        public var metric: String
        public var value: Double
        /// The limit the value was held to.
        public var limit: Double
        public var passed: Bool
    }

    public struct Baseline: Codable, Sendable {
        public var reference: String
        public var version: Int?
        public var metrics: [String: Double]
    }

    /// The evaluation run that recorded this report.
    public var runId: String
    public var model: String
    public var name: String?
    public var version: Int?
    public var rows: Int
    public var metrics: [String: Double]
    public var baseline: Baseline?
    public var gates: [GateResult]
    public var passed: Bool

    /// The failed gates, each with how far it missed.
    public var failures: [String] {
        gates.filter { !$0.passed }.map { result in
            "\(result.gate): \(result.metric) is \(String(format: "%.6g", result.value)), limit \(String(format: "%.6g", result.limit))"
        }
    }
}

extension Repository {
    /// Scores a model on labelled data and checks its gates, recording an `eval` run linked to the model and the
    /// data, with each gate's verdict; the run ends `failed_gate` when one failed. Gate failures are reported in
    /// ``EvaluationReport/passed``, not thrown, so callers render the report before they fail.
    public func evaluate(_ options: EvaluationOptions, workingDirectory: String) throws -> EvaluationReport {
        let resolved = try resolveModel(options.model)
        let dataPath = WorkspacePath.absolute(options.data, relativeTo: workingDirectory)
        let table = try TableFile.read(
            path: dataPath, categorical: Set(options.categorical).union(resolved.model.signature.datetimeNames))
        let metrics = try Evaluation.metrics(of: try CompiledModel(resolved.model), on: table)
        if let (name, value) = metrics.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isFinite }) {
            throw MLOpsError(
                .invalidInput,
                "\(options.model) scores \(name) = \(value) on '\(options.data)': its predictions overflow",
                hint: "the model or the data holds extreme values; check both")
        }
        var baseline: EvaluationReport.Baseline?
        if let reference = options.baseline {
            let text: String
            if reference.contains("@") || reference.hasPrefix("run:") {
                text = reference
            } else if let name = resolved.name {
                text = "\(name)@\(reference)"  // an alias of the evaluated model
            } else {
                throw MLOpsError(
                    .usage, "the baseline '\(reference)' is an alias, and a run has none",
                    hint: "evaluate name@version, or give a full reference such as mpg@production")
            }
            let other = try resolveModel(text)
            let baselineMetrics = try Evaluation.metrics(of: try CompiledModel(other.model), on: table)
            baseline = EvaluationReport.Baseline(reference: text, version: other.version, metrics: baselineMetrics)
        } else if !options.maxRegressions.isEmpty {
            throw MLOpsError(
                .usage, "regression limits need a baseline to compare with",
                hint: "name the version to compare with, such as the alias production")
        }

        func value(_ metric: String, in metrics: [String: Double]) throws -> Double {
            guard let value = metrics[metric] else {
                throw MLOpsError(
                    .usage, "no metric '\(metric)' for this model",
                    hint: "its metrics are: \(metrics.keys.sorted().joined(separator: ", "))")
            }
            return value
        }
        var gates: [EvaluationReport.GateResult] = []
        for gate in options.gates {
            gates.append(gate.check(try value(gate.metric, in: metrics)))
        }
        if let baseline {
            for limit in options.maxRegressions {
                gates.append(
                    limit.check(
                        try value(limit.metric, in: metrics), baseline: try value(limit.metric, in: baseline.metrics)))
            }
        }
        let passed = gates.allSatisfy(\.passed)

        let input = try lineage(of: dataPath)
        let label = resolved.name.map { "\($0)@\(resolved.version ?? 0)" } ?? options.model
        let id = try runs.start(name: "eval-\(label)", kind: .eval)
        do {
            var params = ["model": options.model, "model_oid": resolved.oid]
            if let baseline { params["baseline"] = baseline.reference }
            for (index, gate) in gates.enumerated() { params["gate.\(index + 1)"] = gate.gate }
            try runs.logParams(params, run: id)
            try runs.logInputs([input], run: id)
            try runs.logMetrics(metrics, run: id)
            try runs.logGates(gates, run: id)
            var tags = ["gates": passed ? "passed" : "failed"]
            if let name = resolved.name, let version = resolved.version { tags["model_version"] = "\(name)@\(version)" }
            try runs.tag(tags, run: id)
            try runs.finish(id, status: passed ? .finished : .failedGate)
        } catch {
            try? runs.finish(id, status: .failed)
            throw error
        }
        return EvaluationReport(
            runId: id, model: options.model, name: resolved.name, version: resolved.version, rows: table.rowCount,
            metrics: metrics, baseline: baseline, gates: gates, passed: passed)
    }
}
