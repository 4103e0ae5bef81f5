import Foundation
import MLOpsLearn
import MLOpsTestSupport
import Testing

/// scikit-learn's values for the same inputs, written by `scripts/make-learning-fixtures`.
enum ReferenceNumbers {
    static func load(_ name: String) throws -> [String: Any] {
        let path = Fixtures.projectRoot + "/Tests/MLOpsLearnTests/Fixtures/\(name).json"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

@Suite struct MetricsTests {
    @Test func regressionMetricsMatchScikitLearn() throws {
        let case_ = try #require(try ReferenceNumbers.load("metrics")["regression"] as? [String: Any])
        let truth = try #require(case_["truth"] as? [Double])
        let predictions = try #require(case_["predictions"] as? [Double])
        let metrics = RegressionMetrics(truth: truth, predictions: predictions)
        for (name, value) in metrics.named {
            let expected = try #require(case_[name] as? Double)
            #expect(abs(value - expected) <= 1e-9 * max(1, abs(expected)), "\(name): \(value) vs \(expected)")
        }
    }

    @Test(arguments: ["binary", "multiclass"])
    func classificationMetricsMatchScikitLearn(_ name: String) throws {
        let case_ = try #require(try ReferenceNumbers.load("metrics")[name] as? [String: Any])
        let truth = try #require(case_["truth"] as? [Int])
        let probabilities = try #require(case_["probabilities"] as? [Double])
        let classes = try #require(case_["classes"] as? Int)
        let metrics = ClassificationMetrics(truth: truth, probabilities: probabilities, classCount: classes)
        #expect(metrics.named.count == 9)
        for (metric, value) in metrics.named {
            let expected = try #require(case_[metric] as? Double, "\(metric)")
            #expect(abs(value - expected) <= 1e-9, "\(metric): \(value) vs \(expected)")
        }
        #expect(metrics.confusion == (case_["confusion"] as? [[Int]]))
    }

    @Test func perfectAndConstantPredictions() {
        let perfect = RegressionMetrics(truth: [1, 2, 3], predictions: [1, 2, 3])
        #expect(perfect.rmse == 0 && perfect.r2 == 1)
        let constant = RegressionMetrics(truth: [2, 2], predictions: [1, 3])
        #expect(constant.r2 == 0)
        let oneClassAbsent = ClassificationMetrics(
            truth: [0, 0, 0], probabilities: [0.9, 0.1, 0.8, 0.2, 0.3, 0.7], classCount: 2)
        #expect(oneClassAbsent.rocAUC == nil)
    }
}

/// `Evaluation.holdout`, one pass over the trees, against the separate measurements it replaces.
@Suite struct HoldoutEvaluationTests {
    @Test(arguments: [("price", "regression"), ("cut", "classification"), ("price", "forest")])
    func oneWalkGivesWhatPredictAndTheMetricsGive(_ case_: (String, String)) throws {
        let (train, test) = try BundledData.split("diamonds/diamonds.csv", categorical: ["cut", "color", "clarity"])
        let learner: Learner = case_.1 == "forest" ? .forest : .gbdt
        let parameters = learner == .forest ? ["trees": "5"] : ["rounds": "30"]
        let model = try Training.train(
            TrainingRequest(table: train, target: case_.0, learner: learner, parameters: parameters))
        let compiled = try CompiledModel(model)
        let holdout = try Evaluation.holdout(of: compiled, on: test)
        #expect(holdout.predictions.values == (try compiled.predict(test)).values)
        #expect(holdout.metrics == (try Evaluation.metrics(of: compiled, on: test)))
        guard learner == .gbdt else {
            #expect(holdout.curve.isEmpty)
            return
        }
        let rounds = 30
        #expect(holdout.curve.count == rounds)
        let metric = Evaluation.curveMetric(for: model.signature.task)
        let last = try #require(holdout.curve.last)
        #expect(abs(last - (holdout.metrics[metric] ?? .nan)) < 1e-9 * max(1, last), "\(metric)")
        // Each round's value is the metric of the model cut after that round's trees.
        var truncated = model
        let perRound = (model.trees?.trees.count ?? 0) / rounds
        truncated.trees?.trees = Array(model.trees?.trees.prefix(10 * perRound) ?? [])
        let tenth = try Evaluation.metrics(of: try CompiledModel(truncated), on: test)[metric] ?? .nan
        #expect(abs(holdout.curve[9] - tenth) < 1e-9 * max(1, tenth), "round 10: \(holdout.curve[9]) vs \(tenth)")
        #expect(holdout.curve.first ?? 0 > last, "the curve falls")

        // A hand-made ensemble whose trees do not come in whole rounds has no curve, and the same predictions.
        var uneven = model
        uneven.trees?.trees.removeLast()
        let unevenCompiled = try CompiledModel(uneven)
        let unevenHoldout = try Evaluation.holdout(of: unevenCompiled, on: test)
        #expect(unevenHoldout.predictions.values == (try unevenCompiled.predict(test)).values)
        #expect(unevenHoldout.curve.isEmpty == (model.signature.classes?.count ?? 1 > 2))
    }
}
