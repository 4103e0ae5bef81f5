import Foundation
import MLOpsTestSupport
import Testing

/// ONNX models from other frameworks (scikit-learn, LightGBM, XGBoost, exported by skl2onnx and onnxmltools in
/// `Fixtures/onnx_zoo.py`) registered, predicted and served by mlops' own evaluator, which must agree with ONNX
/// Runtime to 1e-5 on every model kind.
@Suite struct ONNXImportTests {
    struct ZooCase: Decodable {
        var `case`: String
        var task: String
        var target: String
        var features: [String]?
        var inputs: String
    }

    /// The zoo made once per process: every case's model, rows and description.
    static let zoo: Result<(directory: TemporaryDirectory, cases: [ZooCase]), any Error> = Result {
        let directory = try TemporaryDirectory(prefix: "onnx-zoo")
        let made = try Fixtures.runChecker("onnx_zoo.py", ["make", directory.path])
        guard made.exitCode == 0 else { throw ZooFailure(text: made.standardError) }
        let cases = try JSONDecoder().decode(
            [ZooCase].self, from: Data(contentsOf: URL(fileURLWithPath: directory.url("cases.json"))))
        return (directory, cases)
    }

    struct ZooFailure: Error { var text: String }

    /// A repository with every zoo case registered (`<case>@1`, `--features` for matrix inputs).
    static func registeredZoo() async throws -> (TemporaryDirectory, TemporaryDirectory, [ZooCase]) {
        try #require(
            FileManager.default.isExecutableFile(atPath: Fixtures.python),
            "run scripts/bootstrap to install scikit-learn, skl2onnx, onnxmltools, LightGBM and XGBoost")
        let (zoo, cases) = try Self.zoo.get()
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        for zooCase in cases {
            let features = zooCase.features.map { ["--features", $0.joined(separator: ",")] } ?? []
            let registered = await CLIRunner.run(
                [
                    "model", "register", zoo.url(zooCase.case + ".onnx"), "--name", Self.name(zooCase), "--target",
                    zooCase.target,
                ] + (zooCase.inputs == "matrix" ? features : []),
                in: directory.path)
            #expect(registered.exitCode == 0, "\(zooCase.case): \(registered.standardError)")
        }
        return (zoo, directory, cases)
    }

    static func name(_ zooCase: ZooCase) -> String { zooCase.case.replacingOccurrences(of: "_", with: "-") }

    @Test func everyModelKindPredictsWhatONNXRuntimeDoes() async throws {
        let (zoo, directory, cases) = try await Self.registeredZoo()
        #expect(cases.count >= 25, "the zoo lost cases: \(cases.map(\.case))")
        for zooCase in cases {
            let output = directory.url(zooCase.case + ".predicted.csv")
            let predicted = await CLIRunner.run(
                ["predict", Self.name(zooCase) + "@1", "--data", zoo.url(zooCase.case + ".csv"), "--output", output],
                in: directory.path)
            #expect(predicted.exitCode == 0, "\(zooCase.case): \(predicted.standardError)")
            let features =
                zooCase.inputs == "matrix" ? ["--features", (zooCase.features ?? []).joined(separator: ",")] : []
            let checked = try Fixtures.runChecker(
                "onnx_zoo.py",
                ["check", zoo.url(zooCase.case + ".onnx"), zoo.url(zooCase.case + ".csv"), output, zooCase.task]
                    + features)
            #expect(checked.exitCode == 0, "\(zooCase.case): \(checked.standardOutput)\(checked.standardError)")
        }
    }

    @Test func servedModelsAnswerTritonClientsAsPredictDoes() async throws {
        let (zoo, directory, cases) = try await Self.registeredZoo()
        // Strings per column, a float matrix, a multiclass probability tensor.
        for name in ["sk_pipeline_columns_classifier", "xgb_regressor", "lgbm_classifier_multiclass"] {
            let zooCase = try #require(cases.first { $0.case == name })
            // JSON has no NaN (tritonclient would write one), so the served rows are those without a missing value.
            let data = directory.url(name + ".complete.csv")
            let lines = try Fixtures.read(zoo.url(name + ".csv")).split(separator: "\n")
            let complete = lines.filter { !$0.hasPrefix(",") && !$0.hasSuffix(",") && !$0.contains(",,") }
            #expect(complete.count > 30)
            try Fixtures.write(complete.joined(separator: "\n") + "\n", to: data)
            let expected = directory.url(name + ".served.csv")
            let predicted = await CLIRunner.run(
                ["predict", Self.name(zooCase) + "@1", "--data", data, "--output", expected], in: directory.path)
            #expect(predicted.exitCode == 0, "\(predicted.standardError)")
            let server = try RunningServer([Self.name(zooCase) + "@1"], in: directory.path)
            let checked = try Fixtures.runChecker(
                "check_triton.py",
                [String(server.url.dropFirst("http://".count)), Self.name(zooCase), data, expected])
            #expect(checked.exitCode == 0, "\(name): \(checked.standardOutput)\(checked.standardError)")
            _ = server.stop()
        }
    }

    @Test func unsupportedOperatorsAreAllNamedAtRegistration() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Fixtures.python), "run scripts/bootstrap")
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        let made = try Fixtures.runChecker("onnx_zoo.py", ["unsupported", directory.url("odd.onnx")])
        #expect(made.exitCode == 0, "\(made.standardError)")
        let refused = await CLIRunner.run(["model", "register", "odd.onnx", "--name", "odd"], in: directory.path)
        #expect(refused.exitCode == 65)
        #expect(refused.standardError.contains("TopK, ai.onnx.ml:SVMRegressor"), "\(refused.standardError)")
        #expect(
            await CLIRunner.run(["model", "list", "--json"], in: directory.path).standardOutput.contains("odd") == false
        )

        // A matrix input nobody named, and bytes that are not a model, are refused with the fix.
        let (zoo, _) = try Self.zoo.get()
        let unnamed = await CLIRunner.run(
            ["model", "register", zoo.url("xgb_regressor.onnx"), "--name", "x"], in: directory.path)
        #expect(unnamed.exitCode == 65)
        #expect(unnamed.standardError.contains("--features"), "\(unnamed.standardError)")
        let wrongCount = await CLIRunner.run(
            ["model", "register", zoo.url("xgb_regressor.onnx"), "--name", "x", "--features", "a,b"], in: directory.path
        )
        #expect(wrongCount.exitCode == 65, "\(wrongCount.standardError)")
        try Fixtures.write("\u{08}\u{96}garbage", to: directory.url("bad.onnx"))
        let garbage = await CLIRunner.run(["model", "register", "bad.onnx", "--name", "x"], in: directory.path)
        #expect(garbage.exitCode == 65, "\(garbage.standardError)")
        #expect(!garbage.standardError.contains("Swift"))
    }

    /// Models that once crashed, hung or exhausted mlops (found by a red-team pass): each is refused at
    /// registration with exit 65, or registers and predicts; a request value that no index can take fails that
    /// prediction alone.
    @Test func hostileModelsAreRefusedOrPredictWithoutATrap() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Fixtures.python), "run scripts/bootstrap")
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        let made = try Fixtures.runChecker("onnx_zoo.py", ["hostile", directory.url("hostile")])
        #expect(made.exitCode == 0, "\(made.standardError)")
        let expected = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: directory.url("hostile/hostile.json"))))
                as? [String: String])
        #expect(expected.count == 10)
        try Fixtures.write("x\n1\n2\n", to: directory.url("rows.csv"))
        for (name, outcome) in expected.sorted(by: { $0.key < $1.key }) {
            let started = Date()
            // In a process of its own: a trap must show as a signal, not end the test run.
            let registered = try CLIRunner.execute(
                ["model", "register", "hostile/\(name).onnx", "--name", name.replacingOccurrences(of: "_", with: "-")],
                in: directory.path)
            #expect(Date().timeIntervalSince(started) < 10, "\(name) took too long to register")
            if outcome == "refused" {
                #expect(registered.exitCode == 65, "\(name): \(registered.standardError)")
                continue
            }
            #expect(registered.exitCode == 0, "\(name): \(registered.standardError)")
            let predicted = try CLIRunner.execute(
                ["predict", name.replacingOccurrences(of: "_", with: "-") + "@1", "--data", "rows.csv"],
                in: directory.path)
            #expect(predicted.exitCode == 0, "\(name): \(predicted.standardError)")
        }
        // Thousands of rows through the 100,000-branch chain, each leaving at the root: a row's walk costs its
        // own path (walked eight rows in lockstep for the tree's depth, this took minutes).
        try Fixtures.write(
            "x\n" + (0..<5000).map { "\($0)" }.joined(separator: "\n") + "\n", to: directory.url("many.csv"))
        let started = Date()
        let chain = try CLIRunner.execute(
            ["predict", "tree-chain@1", "--data", "many.csv", "--output", "chain.csv"], in: directory.path)
        #expect(chain.exitCode == 0, "\(chain.standardError)")
        #expect(Date().timeIntervalSince(started) < 10, "5,000 rows through a deep chain took too long")
        let predictions = try String(contentsOfFile: directory.url("chain.csv"), encoding: .utf8)
        #expect(predictions == "predicted_target\n" + String(repeating: "1.5\n", count: 5000))
        try Fixtures.write("x\n1.0000001\n", to: directory.url("near-one.csv"))
        let scaled = try CLIRunner.execute(
            ["predict", "scaler-double@1", "--data", "near-one.csv", "--output", "scaled.csv"], in: directory.path)
        #expect(scaled.exitCode == 0, "\(scaled.standardError)")
        let scaledValue = try String(contentsOfFile: directory.url("scaled.csv"), encoding: .utf8)
            .split(separator: "\n").last.flatMap { Double($0) }
        #expect(
            abs((scaledValue ?? 0) - 0.1) < 1e-6, "ONNX Runtime gives 0.1, mlops \(String(describing: scaledValue))")
        try Fixtures.write("x\n1\n1e300\n", to: directory.url("far.csv"))
        let far = try CLIRunner.execute(["predict", "user-index@1", "--data", "far.csv"], in: directory.path)
        #expect(far.exitCode == 65, "\(far.standardError)")
        #expect(far.standardError.contains("Gather index"), "\(far.standardError)")
    }

    /// The README's flow: a team's own training script, tracked, registered from the run, gated, bundled.
    @Test func ownTrainingRunIsRegisteredEvaluatedAndBundled() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Fixtures.python), "run scripts/bootstrap")
        let directory = try TemporaryDirectory()
        _ = try Fixtures.git(["init", "-q"], in: directory.path)
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        for file in ["train.py", "params.yaml", "data/diamonds.csv"] {
            try FileManager.default.createDirectory(
                atPath: directory.url("data"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.example("sklearn/" + file), toPath: directory.url(file))
        }
        let ran = await CLIRunner.run(
            [
                "run", "--name", "sklearn", "--input", "data/diamonds.csv", "--params", "params.yaml", "--metrics",
                "metrics.json", "--output", "model.onnx", "--output", "holdout.csv", "--json", "--", Fixtures.python,
                "train.py",
            ], in: directory.path)
        #expect(ran.exitCode == 0, "\(ran.standardError)")
        let run = try #require((try ran.json() as? [String: Any])?["run_id"] as? String)

        let registered = await CLIRunner.run(
            [
                "model", "register", "run:" + run, "--artifact", "model.onnx", "--name", "price", "--target", "price",
                "--json",
            ], in: directory.path)
        #expect(registered.exitCode == 0, "\(registered.standardError)")
        let version = try #require(try registered.json() as? [String: Any])
        #expect(version["run_id"] as? String == run)
        let metrics = try #require(version["metrics"] as? [String: Double])
        #expect((metrics["r2"] ?? 0) > 0.9, "the run's metrics.json reaches the version: \(metrics)")

        let shown = await CLIRunner.run(["model", "show", "price@1"], in: directory.path)
        #expect(shown.standardOutput.contains("carat"), "the graph's inputs are the features: \(shown.standardOutput)")
        #expect(shown.standardOutput.contains("(ONNX)"), "\(shown.standardOutput)")
        #expect(version["format"] as? String == "onnx")
        let passed = await CLIRunner.run(
            ["eval", "price@1", "--data", "holdout.csv", "--gate", "r2 >= 0.9", "--json"], in: directory.path)
        #expect(passed.exitCode == 0, "\(passed.standardError)")
        let evaluated = try #require((try passed.json() as? [String: Any])?["metrics"] as? [String: Double])
        #expect(
            abs((evaluated["r2"] ?? 0) - (metrics["r2"] ?? 1)) < 1e-4, "mlops' r2 \(evaluated) vs sklearn's \(metrics)")
        let failed = await CLIRunner.run(
            ["eval", "price@1", "--data", "holdout.csv", "--gate", "r2 >= 0.9999"], in: directory.path)
        #expect(failed.exitCode == 3, "\(failed.standardError)")

        // The ONNX export is the registered bytes; a bundle carries them to a device without a repository.
        let predicted = await CLIRunner.run(
            ["predict", "price@1", "--data", "holdout.csv", "--output", "in-repo.csv"], in: directory.path)
        #expect(predicted.exitCode == 0, "\(predicted.standardError)")
        let exported = await CLIRunner.run(
            ["export", "price@1", "--format", "onnx", "--output", "again.onnx"], in: directory.path)
        #expect(exported.exitCode == 0, "\(exported.standardError)")
        let bundled = await CLIRunner.run(
            ["export", "price@1", "--format", "bundle", "--output", "price.tar.gz"], in: directory.path)
        #expect(bundled.exitCode == 0, "\(bundled.standardError)")
        let device = try TemporaryDirectory()
        let onDevice = await CLIRunner.run(
            [
                "predict", "--bundle", directory.url("price.tar.gz"), "--data", directory.url("holdout.csv"),
                "--output",
                device.url("p.csv"),
            ], in: device.path)
        #expect(onDevice.exitCode == 0, "\(onDevice.standardError)")
        #expect(try Fixtures.read(device.url("p.csv")) == Fixtures.read(directory.url("in-repo.csv")))
        let checked = try Fixtures.runChecker(
            "onnx_zoo.py",
            [
                "check", directory.url("again.onnx"), directory.url("holdout.csv"), directory.url("in-repo.csv"),
                "regression",
            ])
        #expect(checked.exitCode == 0, "\(checked.standardOutput)\(checked.standardError)")
    }

    /// Everything downstream of the registry takes an ONNX version: approval gates on promotion, a split of
    /// traffic between two versions, the prediction log and drift against the reference profile given at
    /// registration, and a bundle imported into another repository.
    @Test func approvalSplitsLogsMonitoringAndBundlesTakeONNXVersions() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Fixtures.python), "run scripts/bootstrap")
        let (zoo, _) = try Self.zoo.get()
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        let name = "sk_pipeline_columns_regressor"
        let lines = try Fixtures.read(zoo.url(name + ".csv")).split(separator: "\n")
        let complete = lines.filter { !$0.hasPrefix(",") && !$0.hasSuffix(",") && !$0.contains(",,") }
        try Fixtures.write(complete.joined(separator: "\n") + "\n", to: directory.url("rows.csv"))
        for _ in 1...2 {
            let registered = await CLIRunner.run(
                [
                    "model", "register", zoo.url(name + ".onnx"), "--name", "price", "--target", "price", "--reference",
                    "rows.csv",
                ], in: directory.path)
            #expect(registered.exitCode == 0, "\(registered.standardError)")
        }
        let config = try Fixtures.read(directory.url(".mlops/config.yaml"))
        try Fixtures.write(
            config
                + "\nregistry:\n  approval:\n    production:\n      data: rows.csv\n      gates: [\"r2 >= 0.999\"]\n",
            to: directory.url(".mlops/config.yaml"))
        let refused = await CLIRunner.run(["model", "promote", "price@1", "--to", "production"], in: directory.path)
        #expect(refused.exitCode == 3, "the gate holds an ONNX version too: \(refused.standardError)")
        try Fixtures.write(
            config + "\nregistry:\n  approval:\n    production:\n      data: rows.csv\n      gates: [\"r2 >= 0.5\"]\n",
            to: directory.url(".mlops/config.yaml"))
        let promoted = await CLIRunner.run(["model", "promote", "price@1", "--to", "production"], in: directory.path)
        #expect(promoted.exitCode == 0, "\(promoted.standardError)")

        let server = try RunningServer(
            ["price@production", "--split", "price@production=50,price@2=50"], in: directory.path)
        let header = complete[0].split(separator: ",").map(String.init)
        var versions = Set<String>()
        for line in complete.dropFirst() {
            let values = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var record: [String: Any] = [:]
            for (column, value) in zip(header, values) where column != "price" {
                record[column] = Double(value) ?? value as Any
            }
            let answer = try await server.request("POST", "/invocations", json: ["dataframe_records": [record]])
            #expect(answer.status == 200, "\(answer.text)")
            versions.insert(answer.header("X-MLOps-Model-Version") ?? "")
        }
        _ = server.stop()
        #expect(versions == ["price@1", "price@2"], "both sides of the split answered: \(versions)")
        let drift = await CLIRunner.run(
            ["monitor", "drift", "price@production", "--since", "1h", "--json"], in: directory.path)
        #expect([0, 4].contains(drift.exitCode), "\(drift.standardError)")
        let report = try #require(try drift.json() as? [String: Any])
        #expect(
            (report["reference"] as? String)?.contains("given at registration") == true, "\(report["reference"] ?? "")")
        let other = await CLIRunner.run(["monitor", "drift", "price@2", "--since", "1h", "--json"], in: directory.path)
        let logged = [report, try other.json() as? [String: Any] ?? [:]].map { $0["current_rows"] as? Int ?? 0 }
        #expect(logged.allSatisfy { $0 > 0 } && logged.reduce(0, +) == complete.count - 1, "the log: \(logged)")
        #expect((report["computed_features"] as? Int) == 9)

        let bundled = await CLIRunner.run(
            ["export", "price@1", "--format", "bundle", "--output", "price.tar.gz"], in: directory.path)
        #expect(bundled.exitCode == 0, "\(bundled.standardError)")
        let elsewhere = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: elsewhere.path)
        let imported = await CLIRunner.run(["import", directory.url("price.tar.gz"), "--json"], in: elsewhere.path)
        #expect(imported.exitCode == 0, "\(imported.standardError)")
        #expect((try imported.json() as? [String: Any])?["format"] as? String == "onnx", "\(imported.standardOutput)")
        for (place, repository) in [("here", directory), ("imported", elsewhere)] {
            let predicted = await CLIRunner.run(
                [
                    "predict", "price@1", "--data", directory.url("rows.csv"), "--output",
                    repository.url(place + ".csv"),
                ],
                in: repository.path)
            #expect(predicted.exitCode == 0, "\(place): \(predicted.standardError)")
        }
        #expect(try Fixtures.read(directory.url("here.csv")) == Fixtures.read(elsewhere.url("imported.csv")))
    }

    /// mlops' own ONNX export, registered as ONNX, predicts what the native model does.
    @Test func ownExportRegisteredAsONNXPredictsLikeTheNativeModel() async throws {
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        try FileManager.default.copyItem(
            atPath: Fixtures.example("auto-mpg/data/auto-mpg.csv"), toPath: directory.url("auto-mpg.csv"))
        let trained = await CLIRunner.run(
            [
                "train", "--data", "auto-mpg.csv", "--target", "origin", "--categorical", "origin", "--param",
                "rounds=30",
                "--json",
            ], in: directory.path)
        let run = try #require((try trained.json() as? [String: Any])?["run_id"] as? String, "\(trained.standardError)")
        for (arguments, file) in [
            (["export", "run:" + run, "--format", "onnx", "--output", "model.onnx"], ""),
            (["model", "register", "model.onnx", "--name", "origin"], ""),
            (["predict", "run:" + run, "--data", "auto-mpg.csv", "--output", "native.csv"], "native.csv"),
            (["predict", "origin@1", "--data", "auto-mpg.csv", "--output", "onnx.csv"], "onnx.csv"),
        ] {
            let result = await CLIRunner.run(arguments, in: directory.path)
            #expect(result.exitCode == 0, "\(arguments) \(file): \(result.standardError)")
        }
        let native = try Fixtures.read(directory.url("native.csv")).split(separator: "\n")
        let onnx = try Fixtures.read(directory.url("onnx.csv")).split(separator: "\n")
        #expect(native.count == onnx.count && native.count > 300)
        for (left, right) in zip(native.dropFirst(), onnx.dropFirst()) {
            let a = left.split(separator: ",")
            let b = right.split(separator: ",")
            #expect(a.first == b.first, "labels \(left) vs \(right)")
            for (x, y) in zip(a.dropFirst(), b.dropFirst()) {
                #expect(abs((Double(x) ?? .nan) - (Double(y) ?? 0)) < 1e-6, "\(left) vs \(right)")
            }
        }
    }
}
