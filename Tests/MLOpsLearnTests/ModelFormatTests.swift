import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsTestSupport
import Testing

@Suite struct ModelFormatTests {
    private static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    @Test(arguments: Learner.trainable)
    func aLoadedModelPredictsBitForBitWhatTheTrainedOneDid(_ learner: Learner) throws {
        let (train, test) = try BundledData.mpg()
        let target = learner == .logistic ? "origin" : "mpg"
        let parameters = learner == .forest ? ["trees": "10"] : [:]
        let model = try Training.train(
            TrainingRequest(table: train, target: target, learner: learner, parameters: parameters))
        let loaded = try Model.decode(model.encoded())
        #expect(loaded == model)
        #expect(loaded.encoded() == model.encoded())
        let before = try CompiledModel(model).predict(test).values
        let after = try CompiledModel(loaded).predict(test).values
        #expect(Self.bits(before) == Self.bits(after))
    }

    @Test func trainingIsDeterministicAcrossRunsAndThreadCounts() throws {
        let (train, _) = try BundledData.mpg()
        let parameters = ["subsample": "0.8", "colsample": "0.7", "seed": "3"]
        let one = try Training.train(
            TrainingRequest(table: train, target: "mpg", learner: .gbdt, parameters: parameters, threads: 1))
        let two = try Training.train(
            TrainingRequest(table: train, target: "mpg", learner: .gbdt, parameters: parameters, threads: 2))
        let again = try Training.train(
            TrainingRequest(table: train, target: "mpg", learner: .gbdt, parameters: parameters, threads: 2))
        #expect(one.encoded() == two.encoded())
        #expect(two.encoded() == again.encoded())
        let otherSeed = try Training.train(
            TrainingRequest(table: train, target: "mpg", learner: .gbdt, parameters: ["subsample": "0.8", "seed": "4"]))
        #expect(otherSeed.encoded() != one.encoded())
        let forestOne = try Training.train(
            TrainingRequest(table: train, target: "mpg", learner: .forest, parameters: ["trees": "6"], threads: 1))
        let forestTwo = try Training.train(
            TrainingRequest(table: train, target: "mpg", learner: .forest, parameters: ["trees": "6"], threads: 2))
        #expect(forestOne.encoded() == forestTwo.encoded())
    }

    @Test func theDocumentCarriesItsSignatureAndParameters() throws {
        let (train, _) = try BundledData.mpg()
        let model = try Training.train(TrainingRequest(table: train, target: "mpg", learner: .gbdt))
        let json = try #require(try JSONSerialization.jsonObject(with: model.encoded()) as? [String: Any])
        #expect(json["format_version"] as? Int == 1)
        #expect(json["learner"] as? String == "gbdt")
        let parameters = try #require(json["parameters"] as? [String: Any])
        #expect(parameters["max_leaves"] as? Int == 31)
        let signature = try #require(json["signature"] as? [String: Any])
        #expect(signature["target"] as? String == "mpg")
        #expect(signature["task"] as? String == "regression")
        let features = try #require(signature["features"] as? [[String: Any]])
        #expect(
            features.map { $0["name"] as? String } == [
                "cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin",
            ])
        #expect(features.last?["levels"] as? [String] == ["1", "3", "2"])
    }

    @Test func damagedModelsAreRefusedAtLoadTime() throws {
        let (train, _) = try BundledData.mpg()
        let model = try Training.train(
            TrainingRequest(table: train, target: "mpg", learner: .gbdt, parameters: ["rounds": "2"]))

        var loop = model
        loop.trees?.trees[0].left[1] = 0  // a child pointing back at the root would never terminate
        #expect(throws: MLOpsError.self) { try Model.decode(loop.encoded()) }

        var badFeature = model
        badFeature.trees?.trees[0].feature[0] = 99
        #expect(throws: MLOpsError.self) { try Model.decode(badFeature.encoded()) }

        var future = model
        future.formatVersion = Model.currentFormatVersion + 1
        let error = #expect(throws: MLOpsError.self) { try Model.decode(future.encoded()) }
        #expect(error?.code == .invalidState)

        #expect(throws: MLOpsError.self) { try Model.decode(Data("{\"format_version\": 1}".utf8)) }
    }

    @Test func streamingPredictionMatchesTablePredictionBitForBit() throws {
        let (train, _) = try BundledData.mpg()
        let path = Fixtures.example("auto-mpg/data/auto-mpg.csv")
        for learner in [Learner.gbdt, .linear] {
            let model = try CompiledModel(
                try Training.train(TrainingRequest(table: train, target: "mpg", learner: learner)))
            let whole = try model.predict(CSVReader(categoricalColumns: ["origin"]).read(path: path)).values
            var streamed: [Double] = []
            var chunks = 0
            try model.predictCSV(path: path, chunkRows: 50) { (predictions: Predictions) throws(MLOpsError) in
                streamed += predictions.values
                chunks += 1
            }
            #expect(chunks == 8)  // 392 rows in chunks of 50
            #expect(Self.bits(streamed) == Self.bits(whole))
        }
        let directory = try TemporaryDirectory()
        try Fixtures.write(
            "cylinders,displacement,horsepower,weight,acceleration,year,origin\n4,97,fast,2000,15,80,1\n",
            to: directory.url("bad.csv"))
        let model = try CompiledModel(
            try Training.train(TrainingRequest(table: train, target: "mpg", learner: .linear)))
        let error = #expect(throws: MLOpsError.self) {
            try model.predictCSV(path: directory.url("bad.csv")) { (_: Predictions) throws(MLOpsError) in }
        }
        #expect(error?.message.contains("line 2: feature 'horsepower' must be numeric, not 'fast'") == true)
    }

    @Test func missingFeatureColumnsAndTextInNumericFeaturesAreReported() throws {
        let (train, test) = try BundledData.mpg()
        let model = try CompiledModel(
            try Training.train(TrainingRequest(table: train, target: "mpg", learner: .linear)))
        let missing = #expect(throws: MLOpsError.self) { try model.predict(test.dropping(["weight"])) }
        #expect(missing?.code == .notFound)
        var text = test
        try text.setColumn(Column(name: "weight", labels: Array(repeating: "heavy", count: test.rowCount)))
        let wrongType = #expect(throws: MLOpsError.self) { try model.predict(text) }
        #expect(wrongType?.message.contains("'heavy'") == true)
    }
}

/// `Model.encoded()` writes the trees itself: its bytes must stay `JSONEncoder`'s, which every model recorded so
/// far was written with (a reproduction compares bytes).
@Suite struct ModelEncodingTests {
    private static func jsonEncoder(_ model: Model) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(model)
    }

    @Test func theBytesAreJSONEncodersForEveryLearnerAndTask() throws {
        let (train, _) = try BundledData.split("diamonds/diamonds.csv", categorical: ["cut", "color", "clarity"])
        let rows = train.rows(Array(0..<3000))
        var models: [Model] = []
        for (learner, target) in [
            (Learner.gbdt, "price"), (.gbdt, "cut"), (.forest, "price"), (.forest, "cut"), (.linear, "price"),
            (.logistic, "cut"),
        ] {
            let parameters = learner == .forest ? ["trees": "4"] : learner == .gbdt ? ["rounds": "8"] : [:]
            models.append(
                try Training.train(
                    TrainingRequest(table: rows, target: target, learner: learner, parameters: parameters)))
        }
        // Numbers of every form JSONEncoder writes: integers, exponents both ways, negative zero, subnormals.
        var extreme = models[0]
        var ensemble = try #require(extreme.trees)
        let values = [0, -0.0, 1, 0.1, 1e-7, 2.5e-5, 1e15, 1e16, 1e21, 5e-324, 1.7976931348623157e308, -123.456]
        ensemble.trees[0].leafValues = ensemble.trees[0].leafValues.indices.map { values[$0 % values.count] }
        ensemble.trees[0].threshold = ensemble.trees[0].threshold.indices.map { values[$0 % values.count] }
        ensemble.baseScores = [1e-7]
        extreme.trees = ensemble
        models.append(extreme)
        for model in models {
            #expect(model.encoded() == (try Self.jsonEncoder(model)), "\(model.learner) \(model.signature.target)")
        }
        // A number JSON cannot hold (a target whose mean overflowed) is left to JSONEncoder, which refuses it.
        var overflowed = models[0]
        overflowed.trees?.baseScores = [.infinity]
        #expect(overflowed.encoded().isEmpty)
        #expect((try? Self.jsonEncoder(overflowed)) == nil)
    }
}
