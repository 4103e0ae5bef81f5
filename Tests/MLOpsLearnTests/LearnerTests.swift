import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsTestSupport
import Testing

/// The bundled datasets split as the fixture script splits them: every fifth row (0, 5, 10, …) is a test row.
enum BundledData {
    static func split(_ path: String, categorical: Set<String> = [], drop: Set<String> = []) throws -> (
        train: Table, test: Table
    ) {
        let table = try CSVReader(categoricalColumns: categorical).read(path: Fixtures.example(path)).dropping(drop)
        let rows = Array(0..<table.rowCount)
        return (table.rows(rows.filter { $0 % 5 != 0 }), table.rows(rows.filter { $0 % 5 == 0 }))
    }

    static let mpgNumeric = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year"]

    static func mpg() throws -> (train: Table, test: Table) {
        try split("auto-mpg/data/auto-mpg.csv", categorical: ["origin"], drop: ["name"])
    }

    static func rmse(_ model: Model, on table: Table) throws -> Double {
        let predictions = try CompiledModel(model).predict(table)
        let truth = try #require(try table.column(named: model.signature.target).numericValues)
        return RegressionMetrics(truth: truth, predictions: predictions.values).rmse
    }

    static func accuracy(_ model: Model, on table: Table) throws -> Double {
        let predictions = try CompiledModel(model).predict(table)
        let truth = try table.column(named: model.signature.target)
        let labels = predictions.labels
        let correct = (0..<table.rowCount).filter { truth.text(at: $0) == labels[$0] }.count
        return Double(correct) / Double(table.rowCount)
    }
}

@Suite struct LinearLearnerTests {
    @Test(arguments: [("ols", "0"), ("ridge_10", "10")])
    func leastSquaresMatchesScikitLearn(_ reference: String, _ l2: String) throws {
        let (train, test) = try BundledData.mpg()
        let model = try Training.train(
            TrainingRequest(table: train, target: "mpg", learner: .linear, parameters: ["l2": l2]))
        let expected = try #require(try ReferenceNumbers.load("learners")[reference] as? [String: Any])
        let predictions = try CompiledModel(model).predict(test).values
        let sklearn = try #require(expected["predictions"] as? [Double])
        #expect(predictions.count == sklearn.count)
        for (ours, theirs) in zip(predictions, sklearn) { #expect(abs(ours - theirs) < 1e-8) }
    }

    @Test func multinomialLogisticMatchesScikitLearn() throws {
        let (train, test) = try BundledData.mpg()
        let model = try Training.train(
            TrainingRequest(
                table: train, target: "origin", features: BundledData.mpgNumeric, learner: .logistic,
                parameters: ["tolerance": "1e-9", "max_iterations": "2000"]))
        #expect(model.signature.classes == ["1", "2", "3"])
        let expected = try #require(try ReferenceNumbers.load("learners")["logistic_origin"] as? [String: Any])
        let probabilities = try CompiledModel(model).predict(test).values
        let sklearn = try #require(expected["probabilities"] as? [Double])
        #expect(probabilities.count == sklearn.count && !sklearn.isEmpty)
        for (ours, theirs) in zip(probabilities, sklearn) { #expect(abs(ours - theirs) < 1e-4) }
    }

    @Test func binaryLogisticSeparatesWorkDays() throws {
        let (train, test) = try BundledData.split(
            "electricity/elecdemand.csv", categorical: ["WorkDay"], drop: ["time"])
        let model = try Training.train(TrainingRequest(table: train, target: "WorkDay", learner: .logistic))
        #expect(model.link == .sigmoid)
        #expect(try BundledData.accuracy(model, on: test) > 0.70)
    }
}

@Suite struct TreeLearnerTests {
    @Test func boostingOnAutoMPGIsAsGoodAsLightGBM() throws {
        let (train, test) = try BundledData.mpg()
        let model = try Training.train(TrainingRequest(table: train, target: "mpg", learner: .gbdt))
        let lightgbm = try #require(try ReferenceNumbers.load("learners")["lightgbm_mpg_rmse"] as? Double)
        #expect(try BundledData.rmse(model, on: test) <= lightgbm * 1.05)
    }

    @Test func boostingOnDiamondsIsWithinTwoPercentOfLightGBM() throws {
        let (train, test) = try BundledData.split("diamonds/diamonds.csv")
        let model = try Training.train(TrainingRequest(table: train, target: "price", learner: .gbdt))
        let lightgbm = try #require(try ReferenceNumbers.load("learners")["lightgbm_diamonds_rmse"] as? Double)
        #expect(try BundledData.rmse(model, on: test) <= lightgbm * 1.02)
    }

    @Test func boostingClassifiesOrigin() throws {
        let (train, test) = try BundledData.mpg()
        let model = try Training.train(TrainingRequest(table: train, target: "origin", learner: .gbdt))
        #expect(model.link == .softmax)
        #expect(model.trees?.trees.count == 300)
        #expect(try BundledData.accuracy(model, on: test) >= 0.75)
    }

    @Test func forestRegressesAsWellAsScikitLearnAndClassifies() throws {
        let (train, test) = try BundledData.mpg()
        let regression = try Training.train(TrainingRequest(table: train, target: "mpg", learner: .forest))
        let sklearn = try #require(try ReferenceNumbers.load("learners")["sklearn_forest_mpg_rmse"] as? Double)
        #expect(try BundledData.rmse(regression, on: test) <= sklearn * 1.1)
        let classifier = try Training.train(
            TrainingRequest(table: train, target: "origin", learner: .forest, parameters: ["trees": "40"]))
        #expect(try BundledData.accuracy(classifier, on: test) >= 0.75)
        let probabilities = try CompiledModel(classifier).predict(test)
        for row in 0..<probabilities.rowCount { #expect(abs(probabilities.row(row).reduce(0, +) - 1) < 1e-9) }
    }

    /// Rows whose `x` is missing have a high target: the learned default direction must send them that way.
    @Test func missingValuesFollowTheLearnedDirection() throws {
        var x: [Double] = []
        var y: [Double] = []
        for row in 0..<400 {
            if row % 4 == 0 {
                x.append(.nan)
                y.append(100)
            } else {
                x.append(Double(row % 50))
                y.append(Double(row % 50) < 25 ? 0 : 10)
            }
        }
        let table = try Table(columns: [Column(name: "x", numeric: x), Column(name: "y", numeric: y)])
        let model = try Training.train(
            TrainingRequest(table: table, target: "y", learner: .gbdt, parameters: ["min_samples_leaf": "5"]))
        let compiled = try CompiledModel(model)
        let predictions = try compiled.predict(encodedRows: [.nan, 3, 40])
        #expect(abs(predictions.values[0] - 100) < 1)
        #expect(abs(predictions.values[1] - 0) < 1)
        #expect(abs(predictions.values[2] - 10) < 1)
    }

    /// A categorical feature whose levels interleave in target order must split by level sets, not by code order.
    @Test func categoricalSplitsGroupLevels() throws {
        let levels = ["a", "b", "c", "d", "e", "f"]
        let high: Set<String> = ["a", "d", "f"]
        let labels = (0..<600).map { levels[$0 % levels.count] }
        let table = try Table(columns: [
            Column(name: "c", labels: labels),
            Column(name: "y", numeric: labels.map { high.contains($0) ? 5 : -5 }),
        ])
        let model = try Training.train(
            TrainingRequest(
                table: table, target: "y", learner: .gbdt, parameters: ["rounds": "30", "learning_rate": "0.5"]))
        let first = try #require(model.trees?.trees.first)
        #expect(first.feature.count == 1)
        #expect(
            Set(first.categories[0].map { levels[$0] }) == high
                || Set(first.categories[0].map { levels[$0] }) == Set(levels).subtracting(high))
        #expect(try BundledData.rmse(model, on: table) < 0.01)
        // An unseen label is encoded as missing and still gets a prediction.
        let unseen = try Table(columns: [Column(name: "c", labels: ["zzz"]), Column(name: "y", numeric: [0])])
        #expect(try CompiledModel(model).predict(unseen).values[0].isFinite)
    }

    @Test func earlyStoppingKeepsTheBestRound() throws {
        let (train, _) = try BundledData.mpg()
        let model = try Training.train(
            TrainingRequest(
                table: train, target: "mpg", learner: .gbdt,
                parameters: ["rounds": "2000", "early_stopping_rounds": "10", "learning_rate": "0.3"]))
        let trees = try #require(model.trees?.trees.count)
        #expect(trees < 2000)
        #expect(trees > 5)
    }
}

@Suite struct BadTrainingInputTests {
    private func failure(_ request: TrainingRequest) -> MLOpsError? {
        #expect(throws: MLOpsError.self) { try Training.train(request) }
    }

    @Test func eachBadInputIsAClearErrorBeforeTraining() throws {
        let table = try Table(columns: [
            Column(name: "x", numeric: [1, 2, 3, 4]),
            Column(name: "label", labels: ["a", "a", "a", "a"]),
            Column(name: "gappy", numeric: [1, .nan, 3, 4]),
        ])
        let missingTarget = failure(TrainingRequest(table: table, target: "price", learner: .gbdt))
        #expect(missingTarget?.code == .notFound)
        #expect(missingTarget?.hint?.contains("x, label, gappy") == true)

        let gaps = failure(TrainingRequest(table: table, target: "gappy", features: ["x"], learner: .linear))
        #expect(gaps?.message.contains("1 missing value (first in data row 2)") == true)

        let text = failure(TrainingRequest(table: table, target: "label", features: ["x"], learner: .linear))
        #expect(text?.message.contains("regression needs numbers") == true)

        let oneClass = failure(TrainingRequest(table: table, target: "label", features: ["x"], learner: .logistic))
        #expect(oneClass?.message.contains("only one class") == true)

        let unknown = failure(
            TrainingRequest(table: table, target: "x", features: ["gappy"], learner: .gbdt, parameters: ["leaves": "3"])
        )
        #expect(unknown?.code == .usage)
        #expect(unknown?.hint?.contains("max_leaves") == true)

        let outOfRange = failure(
            TrainingRequest(table: table, target: "x", learner: .gbdt, parameters: ["learning_rate": "2"]))
        #expect(outOfRange?.message.contains("learning_rate=2 is out of range") == true)

        let notANumber = failure(
            TrainingRequest(table: table, target: "x", learner: .gbdt, parameters: ["rounds": "many"]))
        #expect(notANumber?.code == .usage)

        let empty = try Table(columns: [Column(name: "x", numeric: []), Column(name: "y", numeric: [])])
        #expect(
            failure(TrainingRequest(table: empty, target: "y", learner: .gbdt))?.message.contains("no rows") == true)
    }
}

/// Targets whose squares overflow cannot be learned from (their means, gradients and errors would not be numbers).
@Suite struct ImmoderateTargetTests {
    @Test func aTargetTooLargeToLearnFromIsRefusedBeforeTraining() throws {
        let table = try Table(columns: [
            Column(name: "x", numeric: (0..<40).map(Double.init)),
            Column(name: "y", numeric: (0..<40).map { Double($0) * 1e160 }),
        ])
        for learner in [Learner.gbdt, .linear, .forest] {
            let error = try #require(throws: MLOpsError.self) {
                try Training.validate(TrainingRequest(table: table, target: "y", learner: learner))
            }
            #expect(error.code == .invalidInput && error.message.contains("too large"), "\(learner)")
        }
    }
}
