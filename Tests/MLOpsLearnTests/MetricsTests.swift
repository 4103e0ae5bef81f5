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
