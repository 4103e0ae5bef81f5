import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsTestSupport
import Testing

/// RFC 4180 quoting for the CSV files the fuzz cases write.
private enum CSVFieldText {
    static func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// The data readers and the model loader never trap on malformed input: each fuzz case is accepted or refused
/// with an `MLOpsError`. A model that loads must also predict and export without trapping, since the server and
/// `predict` run whatever `Model.decode` accepts. (`scripts/fuzz` runs the same fuzzers with a larger budget.)
@Suite struct ParserFuzzTests {
    private static let csvSamples = [
        "a,b,c\n1,2,x\n3.5,,y\n-1e3,NA,\"q,\"\"uoted\"\n",
        "mpg,cylinders,origin\r\n18,8,1\r\n15,8,\"1\"\r\n",
        "x\n1\n2\n3\n",
        "name,value\n\"multi\nline\",1\n",
    ].map { Array($0.utf8) }

    @Test func csvAndJSONLinesReadersNeverTrap() throws {
        let directory = try TemporaryDirectory()
        for (kind, samples) in [
            ("csv", Self.csvSamples),
            (
                "jsonl",
                [#"{"a": 1, "b": "x"}"# + "\n" + #"{"a": 2.5, "b": null}"# + "\n", #"{"x": [1], "y": {"z": 1}}"#].map {
                    Array($0.utf8)
                }
            ),
        ] {
            let path = directory.url("input.\(kind)")
            var fuzzer = Fuzzer("table-\(kind)")
            fuzzer.run(samples: samples, tokens: ["NA", "na", "\"\"", ",,"], structured: kind == "jsonl") { bytes in
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let table = try TableFile.read(path: path, categorical: ["b"])
                _ = table.rowCount
            }
            #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
            #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
        }
    }

    /// ONNX models (mlops' own exports of every learner and task) mutated byte by byte: the protobuf reader, the
    /// graph compiler and the evaluator refuse what they cannot use with an error, never a trap or a hang.
    @Test func onnxModelLoaderRefusesWhatItCannotEvaluate() throws {
        var fuzzer = Fuzzer("onnx-model")
        var generator = SeededGenerator(seed: fuzzer.seed)
        let samples = try Self.sampleModels().compactMap { bytes -> [UInt8]? in
            guard let model = try? Model.decode(Data(bytes)), model.signature.datetimes == nil else { return nil }
            return try? ONNXExport.encode(model, producerVersion: "fuzz")
        }
        #expect(samples.count >= 6)
        fuzzer.run(samples: samples, tokens: ["\u{08}", "\u{3A}", "\u{42}", "\u{FF}\u{FF}\u{FF}\u{FF}\u{0F}"]) {
            bytes in
            let model = try Model.decode(Data(bytes), source: "fuzzed.onnx")
            let compiled = try CompiledModel(model)
            let values: [Double] = [.nan, 0, 1, 2, -1, 1e300, -1e300, 0.5, 3]
            let rows = (0..<(3 * compiled.rowWidth)).map { _ in values[generator.nextIndex(below: values.count)] }
            let predictions = try compiled.predict(encodedRows: rows)
            #expect(predictions.labels.count == predictions.rowCount)
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    /// Models of every learner and task, the samples the model fuzzer mutates.
    private static func sampleModels() throws -> [[UInt8]] {
        let text =
            "x1,x2,color,y,kind,when\n"
            + (0..<60).map { row in
                "\(row % 7),\(Double(row) * 0.5),\(["red", "green", "blue"][row % 3]),\(Double(row % 11) * 1.5),\(["a", "b", "c"][row % 3]),2014-01-\(10 + row % 20)T\(10 + row % 13):30"
            }.joined(separator: "\n") + "\n"
        let directory = try TemporaryDirectory()
        try Fixtures.write(text, to: directory.url("data.csv"))
        let table = try CSVReader(categoricalColumns: ["color", "kind"]).read(path: directory.url("data.csv"))
        var models: [[UInt8]] = []
        for learner in Learner.trainable {
            for target in ["y", "kind"]
            where !(learner == .linear && target == "kind") && !(learner == .logistic && target == "y") {
                let parameters =
                    learner == .forest ? ["trees": "3"] : learner == .gbdt ? ["rounds": "4", "max_leaves": "4"] : [:]
                let features = ["x1", "x2", "color"]
                let model = try Training.train(
                    TrainingRequest(
                        table: table, target: target, features: features, learner: learner, parameters: parameters))
                models.append(Array(model.encoded()))
            }
        }
        // A model that reads a datetime column and computes its calendar features.
        let datetime = try Training.train(
            TrainingRequest(
                table: table, target: "y", features: ["x1", "when"], learner: .gbdt,
                parameters: ["rounds": "4", "max_leaves": "4"]))
        #expect(datetime.signature.datetimes?.first?.name == "when")
        models.append(Array(datetime.encoded()))
        return models
    }

    @Test func modelLoaderRefusesWhatWouldCrashPredictionOrExport() throws {
        var fuzzer = Fuzzer("model-json")
        var generator = SeededGenerator(seed: fuzzer.seed)
        let directory = try TemporaryDirectory()
        let csvPath = directory.url("rows.csv")
        fuzzer.run(
            samples: try Self.sampleModels(),
            tokens: ["\"levels\"", "\"classes\"", "\"left\"", "-1", "\"datetimes\"", "\"day_of_week\"", "\"%Y\""],
            structured: true
        ) { bytes in
            let model = try Model.decode(Data(bytes))
            let compiled = try CompiledModel(model)
            let width = compiled.rowWidth
            // Rows of every kind the server can produce: numbers, unknown categories (NaN), extreme values.
            let values: [Double] = [.nan, 0, 1, 2, -1, 1e300, -1e300, 0.5, 3]
            let rows = (0..<(3 * width)).map { _ in values[generator.nextIndex(below: values.count)] }
            let predictions = try compiled.predict(encodedRows: rows)
            let labels = predictions.labels
            #expect(labels.count == predictions.rowCount)
            // The streaming path builds its own lookup tables from the signature.
            let header = compiled.inputs.map { CSVFieldText.quoted($0.name) }.joined(separator: ",")
            let row = compiled.inputs.map { input in
                guard let feature = input.feature else { return "2014-01-31T13:30" }
                return model.signature.features[feature].levels?.first.map(CSVFieldText.quoted) ?? "1.5"
            }.joined(separator: ",")
            try Data((header + "\n" + row + "\n").utf8).write(to: URL(fileURLWithPath: csvPath))
            try compiled.predictCSV(path: csvPath) { (chunk: Predictions) throws(MLOpsError) in _ = chunk.labels }
            // A model that reads a datetime is refused by the ONNX export (tested in TimeTests), not fuzzed there.
            if model.signature.datetimes == nil { _ = try ONNXExport.encode(model, producerVersion: "fuzz") }
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 20 && fuzzer.refused > fuzzer.cases / 2, "\(fuzzer.summary)")
        print(fuzzer.summary)
    }

    /// The loader's refusals found by fuzzing and review, each of which crashed `predict` or a server before.
    @Test(arguments: [
        ("a repeated feature name", #""name":"x2""#, #""name":"x1""#),
        (
            "a numeric feature with levels", #""kind":"numeric","name":"x1""#,
            #""kind":"numeric","levels":["p","q","r"],"name":"x1""#
        ),
        ("a child index of Int.min", #""left":[1,"#, #""left":[-9223372036854775808,"#),
    ])
    func modelsThatCrashedBeforeAreRefused(_ case: (String, String, String)) throws {
        let models = try Self.sampleModels().map { String(decoding: $0, as: UTF8.self) }
        let original = try #require(models.first { $0.contains(`case`.1) }, "no sample has \(`case`.1)")
        let damaged = original.replacingOccurrences(of: `case`.1, with: `case`.2)
        #expect(damaged != original)
        #expect(throws: MLOpsError.self, "\(`case`.0)") { try Model.decode(Data(damaged.utf8)) }
    }

    @Test func repeatedMembersAndImmoderateValuesAreRefused() throws {
        let model = try #require(
            try Self.sampleModels().map { String(decoding: $0, as: UTF8.self) }.first {
                $0.contains(#""link":"identity""#) && $0.contains("leaf_values")
            })
        let repeated = String(model.dropLast()) + #","link":"softmax"}"#
        #expect(throws: MLOpsError.self) { try Model.decode(Data(repeated.utf8)) }
        let huge = try #require(model.range(of: #""leaf_values":["#))
        let immoderate = model.replacingCharacters(in: huge, with: #""leaf_values":[1.7e308,"#)
        #expect(throws: MLOpsError.self) { try Model.decode(Data(immoderate.utf8)) }
        let mislabeled = model.replacingOccurrences(of: #""learner":"gbdt""#, with: #""learner":"linear""#)
        #expect(mislabeled != model)
        #expect(throws: MLOpsError.self) { try Model.decode(Data(mislabeled.utf8)) }
    }

    @Test func aRegressionModelWithClassesIsRefused() throws {
        let model = try #require(
            try Self.sampleModels().map { String(decoding: $0, as: UTF8.self) }.first {
                $0.contains(#""task":"regression""#)
            })
        let damaged = model.replacingOccurrences(
            of: #""task":"regression""#, with: #""classes":[],"task":"regression""#)
        #expect(throws: MLOpsError.self) { try Model.decode(Data(damaged.utf8)) }
    }

    @Test func evaluatingNoRowsIsAnErrorNotATrap() throws {
        let directory = try TemporaryDirectory()
        try Fixtures.write("x1,x2,color,y\n", to: directory.url("empty.csv"))
        let model = try Model.decode(Data(try #require(try Self.sampleModels().first)))
        let table = try CSVReader(categoricalColumns: ["color"]).read(path: directory.url("empty.csv"))
        #expect(throws: MLOpsError.self) { try Evaluation.metrics(of: try CompiledModel(model), on: table) }
    }
}
