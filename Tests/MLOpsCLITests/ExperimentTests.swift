import Foundation
import MLOpsTestSupport
import Testing

/// `train`, `predict`, `run`, `log` and `runs` on real git repositories, through the CLI.
@Suite struct ExperimentTests {
    private static let mpgFeatures =
        ["--target", "mpg", "--categorical", "origin"]
        + ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"].flatMap {
            ["--feature", $0]
        }

    private func train(_ directory: TemporaryDirectory, _ extra: [String] = []) async throws -> [String: Any] {
        let result = await CLIRunner.run(
            ["train", "--data", "auto-mpg.csv", "--json"] + Self.mpgFeatures + extra, in: directory.path)
        #expect(result.exitCode == 0, "\(result.standardError)")
        return try #require(try result.json() as? [String: Any])
    }

    private func runs(_ directory: TemporaryDirectory, _ arguments: [String] = []) async throws -> [[String: Any]] {
        let result = await CLIRunner.run(["runs", "list", "--json"] + arguments, in: directory.path)
        #expect(result.exitCode == 0, "\(result.standardError)")
        return try #require(try result.json() as? [[String: Any]])
    }

    @Test func aTrainingRunRecordsItsLineageCommitAndModel() async throws {
        let directory = try await Fixtures.experimentRepository()
        let outcome = try await train(directory, ["--param", "max_leaves=15", "--name", "first"])
        let runId = try #require(outcome["run_id"] as? String)
        let metrics = try #require(outcome["metrics"] as? [String: Double])
        #expect(try #require(metrics["rmse"]) < 4)

        let show = await CLIRunner.run(["runs", "show", String(runId.prefix(15)), "--json"], in: directory.path)
        let run = try #require(try show.json() as? [String: Any])
        #expect(run["name"] as? String == "first")
        #expect(run["status"] as? String == "finished")
        let git = try #require(run["git"] as? [String: Any])
        #expect(git["commit"] as? String == (try Fixtures.git(["rev-parse", "HEAD"], in: directory.path)))
        #expect(git["dirty"] as? Bool == false)
        let inputs = try #require(run["inputs"] as? [[String: Any]])
        #expect(inputs.count == 1)
        #expect(inputs.first?["path"] as? String == "auto-mpg.csv")
        #expect(inputs.first?["pointer"] as? String == "auto-mpg.csv.mlops")
        let oid = try Fixtures.sha256sum(directory.url("auto-mpg.csv"))
        #expect(inputs.first?["oid"] as? String == "sha256:" + oid)
        let params = try #require(run["params"] as? [String: String])
        #expect(params["max_leaves"] == "15")
        #expect(params["learner"] == "gbdt")
        let history = try #require(run["history"] as? [String: [[String: Any]]])
        #expect(history["rmse"]?.count == 100)
        let artifacts = try #require(run["artifacts"] as? [[String: String]])
        #expect(artifacts.first?["oid"] == outcome["model_oid"] as? String)

        // An edit to a tracked git file makes the next run dirty (mlops' own bookkeeping files would not).
        try Fixtures.write(
            try Fixtures.read(directory.url(".mlops/config.yaml")) + "# changed\n",
            to: directory.url(".mlops/config.yaml"))
        let dirty = try await train(directory)
        let dirtyID = try #require(dirty["run_id"] as? String)
        let dirtyRun = try await CLIRunner.run(["runs", "show", dirtyID, "--json"], in: directory.path)
            .decode(Payload.Run.self)
        #expect(dirtyRun.git.dirty)
    }

    @Test func aTestFractionOfZeroTrainsOnEveryRowAndSaysNoMetricsExist() async throws {
        let directory = try await Fixtures.experimentRepository()
        let outcome = try await train(directory, ["--test-fraction", "0", "--name", "all"])
        #expect(outcome["train_rows"] as? Int == 392 && outcome["test_rows"] as? Int == 0)
        #expect((outcome["metrics"] as? [String: Double])?.isEmpty == true)
        let text = await CLIRunner.run(
            ["train", "--data", "auto-mpg.csv", "--test-fraction", "0"] + Self.mpgFeatures, in: directory.path)
        #expect(
            text.exitCode == 0 && text.standardOutput.contains("no held-out metrics exist"), "\(text.standardOutput)")
        let runId = try #require(outcome["run_id"] as? String)
        let run = try #require(
            try await CLIRunner.run(["runs", "show", runId, "--json"], in: directory.path).json() as? [String: Any])
        #expect((run["metrics"] as? [String: Double])?.isEmpty == true)
        #expect((run["params"] as? [String: String])?["test_fraction"] == "0")
        // The model it trained predicts like any other; an evaluation on other data measures it.
        let evaluation = await CLIRunner.run(
            ["eval", "run:" + runId, "--data", "auto-mpg.csv", "--categorical", "origin"], in: directory.path)
        #expect(evaluation.exitCode == 0, "\(evaluation.standardError)")
        let tuned = await CLIRunner.run(
            ["tune", "--data", "auto-mpg.csv", "--test-fraction", "0", "--grid", "max_leaves=7,15", "--json"]
                + Self.mpgFeatures, in: directory.path)
        #expect(tuned.exitCode == 0, "\(tuned.standardError)")
    }

    @Test func aFeatureWithALabelPerRowIsNamedInAWarning() async throws {
        let directory = try await Fixtures.experimentRepository()
        let rows = (0..<100).map { "car-\($0),\(Double($0) * 0.5),\(Double($0 % 7) + Double($0) * 0.1)" }
        try Fixtures.write("id,x,y\n" + rows.joined(separator: "\n") + "\n", to: directory.url("ids.csv"))
        let warned = await CLIRunner.run(["train", "--data", "ids.csv", "--target", "y", "--json"], in: directory.path)
        #expect(warned.exitCode == 0, "\(warned.standardError)")
        #expect(warned.standardError.contains("warning: feature 'id' has 80 distinct labels in 80 rows"))
        let outcome = try #require(try warned.json() as? [String: Any])
        #expect((outcome["warnings"] as? [String])?.count == 1)
        let chosen = await CLIRunner.run(
            ["train", "--data", "ids.csv", "--target", "y", "--feature", "x"], in: directory.path)
        #expect(chosen.exitCode == 0 && !chosen.standardError.contains("warning"), "\(chosen.standardError)")
        // Repeated labels are a category like any other.
        let mpg = await CLIRunner.run(["train", "--data", "auto-mpg.csv"] + Self.mpgFeatures, in: directory.path)
        #expect(mpg.exitCode == 0 && !mpg.standardError.contains("warning"))
    }

    @Test func trainingTwiceGivesTheSameModelObject() async throws {
        let directory = try await Fixtures.experimentRepository()
        let first = try await train(directory)
        let second = try await train(directory)
        #expect(first["model_oid"] as? String == second["model_oid"] as? String)
        #expect(first["run_id"] as? String != second["run_id"] as? String)
        let otherSeed = try await train(directory, ["--param", "seed=5"])
        #expect(otherSeed["model_oid"] as? String != first["model_oid"] as? String)
    }

    @Test func predictWritesOneRowPerInputRowInOrder() async throws {
        let directory = try await Fixtures.experimentRepository()
        let regression = try await train(directory, ["--model", "linear"])
        let runId = try #require(regression["run_id"] as? String)
        let result = await CLIRunner.run(
            ["predict", "run:" + runId, "--data", "auto-mpg.csv", "--output", "predictions.csv"], in: directory.path)
        #expect(result.exitCode == 0, "\(result.standardError)")
        let lines = try Fixtures.read(directory.url("predictions.csv")).split(separator: "\n")
        #expect(lines.first == "predicted_mpg")
        #expect(lines.count == 393)
        let values = lines.dropFirst().compactMap { Double($0) }
        #expect(values.count == 392)
        // Rows stay in input order: the same rows in reverse give the same predictions in reverse.
        let rows = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n")
        try Fixtures.write(
            ([rows[0]] + rows.dropFirst().prefix(5).reversed()).joined(separator: "\n") + "\n",
            to: directory.url("reversed.csv"))
        let reversed = await CLIRunner.run(["predict", "run:" + runId, "--data", "reversed.csv"], in: directory.path)
        let reversedValues = reversed.standardOutput.split(separator: "\n").dropFirst().compactMap { Double($0) }
        #expect(reversedValues == Array(values.prefix(5).reversed()), "\(reversed.standardError)")

        try Fixtures.write(
            "data: auto-mpg.csv\ntarget: origin\nmodel: logistic\ncategorical: [origin]\nparams:\n  l2: 0.5\n",
            to: directory.url("train.yaml"))
        let classifier = await CLIRunner.run(["train", "--config", "train.yaml", "--json"], in: directory.path)
        #expect(classifier.exitCode == 0, "\(classifier.standardError)")
        let classifierRun = try #require((try classifier.json() as? [String: Any])?["run_id"] as? String)
        let scored = await CLIRunner.run(["predict", classifierRun, "--data", "auto-mpg.csv"], in: directory.path)
        let header = scored.standardOutput.split(separator: "\n").first
        #expect(header == "predicted_origin,probability_1,probability_2,probability_3")
    }

    @Test func whereFiltersCompareNumbersAndCombineWithAndOr() async throws {
        let directory = try await Fixtures.experimentRepository()
        _ = try await train(directory, ["--param", "max_leaves=7", "--name", "small"])
        _ = try await train(directory, ["--param", "max_leaves=31", "--name", "default"])
        _ = try await train(directory, ["--model", "linear", "--name", "linear"])
        func names(_ condition: String) async throws -> Set<String> {
            Set(try await runs(directory, ["--where", condition]).compactMap { $0["name"] as? String })
        }
        #expect(try await names("params.max_leaves = 31.0") == ["default"])
        #expect(try await names("params.max_leaves < 10") == ["small"])  // numerically, though "7" > "31" as text
        #expect(try await names("params.learner = linear or params.max_leaves >= 31") == ["linear", "default"])
        #expect(
            try await names("params.learner = gbdt and (name = small or name = 'default')") == ["small", "default"])
        #expect(try await names("metrics.rmse > 0 and params.max_leaves != 7") == ["default", "linear"])
        #expect(
            try await names("params.learner = linear or params.learner = gbdt and name = small") == ["linear", "small"])
        let sorted = try await runs(
            directory, ["--sort", "params.max_leaves", "--ascending", "--where", "params.learner = gbdt"])
        #expect(sorted.compactMap { $0["name"] as? String } == ["small", "default"])
        #expect(try await runs(directory, ["--limit", "1"]).count == 1)

        for malformed in [
            "metrics.rmse <", "rmse < 3", "metrics.rmse << 3", "(name = a", "name = 'open", "name = a and",
        ] {
            let result = await CLIRunner.run(["runs", "list", "--where", malformed], in: directory.path)
            #expect(result.exitCode == 64, "\(malformed)")
            #expect(
                result.standardError.contains("--where: bad filter expression"), "\(malformed): \(result.standardError)"
            )
        }
    }

    @Test func externalRunsRecordMetricsFailuresAndKills() async throws {
        let directory = try await Fixtures.experimentRepository()
        let mlops = CLIRunner.executable
        try Fixtures.write(
            """
            #!/bin/sh
            "\(mlops)" log metric loss 0.5 --step 1 && "\(mlops)" log metric loss 0.25 --step 2
            "\(mlops)" log param optimizer adam
            echo '{"accuracy": 0.9, "eval": {"f1": 0.8}, "flag": true}' > metrics.json
            echo weights > model.bin
            """, to: directory.url("train.sh"))
        try Fixtures.write("lr: 0.01\nmodel:\n  depth: 3\n", to: directory.url("params.yaml"))
        let ok = try CLIRunner.execute(
            [
                "run", "--name", "script", "--params", "params.yaml", "--metrics", "metrics.json", "--output",
                "model.bin",
                "--json", "--", "sh", "train.sh",
            ], in: directory.path)
        #expect(ok.exitCode == 0, "\(ok.standardError)")
        let runId = try #require((try ok.json() as? [String: Any])?["run_id"] as? String)
        let run = try #require(
            try await CLIRunner.run(["runs", "show", runId, "--json"], in: directory.path).json() as? [String: Any])
        #expect(run["status"] as? String == "finished")
        #expect(run["metrics"] as? [String: Double] == ["accuracy": 0.9, "eval.f1": 0.8, "loss": 0.25])
        #expect((run["history"] as? [String: [[String: Any]]])?["loss"]?.count == 2)
        #expect(run["params"] as? [String: String] == ["lr": "0.01", "model.depth": "3", "optimizer": "adam"])
        #expect((run["artifacts"] as? [[String: String]])?.first?["name"] == "model.bin")

        let failed = try CLIRunner.execute(["run", "--", "sh", "-c", "exit 3"], in: directory.path)
        #expect(failed.exitCode == 3)
        let killed = try CLIRunner.execute(["run", "--", "sh", "-c", "kill -9 $$"], in: directory.path)
        #expect(killed.exitCode == 128 + 9)
        let statuses = try await runs(directory).compactMap { $0["status"] as? String }
        #expect(statuses == ["killed", "failed", "finished"])

        // A run whose recording process is killed with -9 cannot record its end: it shows as dead, not running.
        // The command outlives any scheduling delay of this test (a busy machine has held it for 30 s).
        let marker = directory.url("started")
        let orphaned = try CLIRunner.launch(
            ["run", "--", "sh", "-c", "echo $$ > '\(marker)'; exec sleep 600"], in: directory.path)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(FileManager.default.fileExists(atPath: marker), "the run never started")
        let before = try await runs(directory).first
        #expect(before?["status"] as? String == "running", "\(String(describing: before))")
        kill(orphaned.processIdentifier, SIGKILL)
        orphaned.waitUntilExit()
        let after = try await runs(directory).first
        #expect(after?["status"] as? String == "dead", "\(String(describing: after))")
        if let sleeper = Int32(try Fixtures.read(marker).trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(sleeper, SIGKILL)
        }

        let outside = await CLIRunner.run(["log", "metric", "x", "1"], in: directory.path)
        #expect(outside.exitCode == 64)
        #expect(outside.standardError.contains("no run to record into"))

        // An ended run keeps what it recorded: logging into it afterwards is refused, and changes nothing.
        for late in [["metric", "loss", "9"], ["param", "optimizer", "sgd"], ["artifact", "train.sh"]] {
            let refused = await CLIRunner.run(["log"] + late + ["--run", String(runId.prefix(24))], in: directory.path)
            #expect(refused.exitCode == 10, "\(late): \(refused.standardError)")
            #expect(refused.standardError.contains("has ended (finished)"), "\(refused.standardError)")
        }
        let unchanged = try #require(
            try await CLIRunner.run(["runs", "show", runId, "--json"], in: directory.path).json() as? [String: Any])
        #expect(unchanged["metrics"] as? [String: Double] == run["metrics"] as? [String: Double])
        #expect(unchanged["params"] as? [String: String] == run["params"] as? [String: String])
        #expect((unchanged["artifacts"] as? [Any])?.count == 1)
    }

    @Test func tuningRecordsTrialsUnderOneRunAndKeepsTheBestModel() async throws {
        let directory = try await Fixtures.experimentRepository()
        let result = await CLIRunner.run(
            [
                "tune", "--data", "auto-mpg.csv", "--grid", "max_leaves=4,15", "--grid", "learning_rate=0.05,0.2",
                "--folds", "3", "--json",
            ] + Self.mpgFeatures, in: directory.path)
        #expect(result.exitCode == 0, "\(result.standardError)")
        let outcome = try #require(try result.json() as? [String: Any])
        let tuneId = try #require(outcome["run_id"] as? String)
        let trials = try await runs(directory, ["--where", "kind = trial"])
        #expect(trials.count == 4)
        #expect(trials.allSatisfy { $0["parent"] as? String == tuneId })
        let best = trials.filter { ($0["tags"] as? [String: String])?["best"] == "true" }
        #expect(best.count == 1)
        let scores = trials.compactMap { ($0["metrics"] as? [String: Double])?["cv_rmse"] }
        try #require(scores.count == 4, "every trial records cv_rmse")
        #expect((best.first?["metrics"] as? [String: Double])?["cv_rmse"] == scores.min())
        #expect(best.first?["id"] as? String == outcome["best_run_id"] as? String)
        let scored = await CLIRunner.run(["predict", "run:" + tuneId, "--data", "auto-mpg.csv"], in: directory.path)
        #expect(scored.exitCode == 0, "\(scored.standardError)")

        // Random search draws the same configurations for the same seed.
        func draws() async throws -> Set<String> {
            let random = await CLIRunner.run(
                [
                    "tune", "--data", "auto-mpg.csv", "--random", "learning_rate=0.01:0.3:log", "--grid",
                    "max_leaves=4,8",
                    "--trials", "3", "--folds", "2", "--json", "--param", "rounds=20",
                ] + Self.mpgFeatures, in: directory.path)
            let trials = try #require((try random.json() as? [String: Any])?["trials"] as? [[String: Any]])
            let drawn = trials.compactMap {
                ($0["params"] as? [String: String]).map { "\($0.sorted { $0.key < $1.key })" }
            }
            try #require(drawn.count == 3, "\(random.standardError)")
            return Set(drawn)
        }
        #expect(try await draws() == (try await draws()))

        try Fixtures.write(
            "max_leaves: [4, 8]\nlearning_rate: {low: 0.05, high: 0.2, log: true}\n", to: directory.url("space.yaml"))
        let fromFile = await CLIRunner.run(
            [
                "tune", "--data", "auto-mpg.csv", "--space", "space.yaml", "--trials", "2", "--folds", "2", "--json",
                "--param", "rounds=10",
            ] + Self.mpgFeatures, in: directory.path)
        #expect(fromFile.exitCode == 0, "\(fromFile.standardError)")
        let fileTrials = try #require((try fromFile.json() as? [String: Any])?["trials"] as? [[String: Any]])
        #expect(fileTrials.count == 2)
        #expect(
            fileTrials.allSatisfy {
                ($0["params"] as? [String: String])?.keys.sorted() == ["learning_rate", "max_leaves"]
            })
        let gridOfRanges = await CLIRunner.run(
            ["tune", "--data", "auto-mpg.csv", "--target", "mpg", "--space", "space.yaml"], in: directory.path)
        #expect(gridOfRanges.exitCode == 64)
        #expect(gridOfRanges.standardError.contains("learning_rate is a range"))

        let rangeInGrid = await CLIRunner.run(
            ["tune", "--data", "auto-mpg.csv", "--target", "mpg", "--random", "learning_rate=0.01:0.3"],
            in: directory.path)
        #expect(rangeInGrid.exitCode == 64)
        #expect(rangeInGrid.standardError.contains("--trials"))
    }

    @Test func concurrentTrainingsAllRecordTheirRuns() async throws {
        let directory = try await Fixtures.experimentRepository()
        let processes = try (0..<4).map { index in
            try CLIRunner.launch(
                ["train", "--data", "auto-mpg.csv", "--name", "parallel-\(index)", "--param", "seed=\(index)"]
                    + Self.mpgFeatures,
                in: directory.path)
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let recorded = try await runs(directory)
        #expect(
            Set(recorded.compactMap { $0["name"] as? String }) == [
                "parallel-0", "parallel-1", "parallel-2", "parallel-3",
            ])
        #expect(recorded.allSatisfy { $0["status"] as? String == "finished" })
        let check = await CLIRunner.run(["fsck"], in: directory.path)
        #expect(check.exitCode == 0)
    }

    @Test func gcKeepsRunModelsUntilTheRunIsDeleted() async throws {
        let directory = try await Fixtures.experimentRepository()
        let outcome = try await train(directory, ["--model", "linear"])
        let runId = try #require(outcome["run_id"] as? String)
        let model = try #require(outcome["model_oid"] as? String)
        let hex = model.dropFirst("sha256:".count)
        let objectPath = directory.url(".mlops/objects/sha256/\(hex.prefix(2))/\(hex.dropFirst(2))")
        #expect(await CLIRunner.run(["gc", "-q"], in: directory.path).exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: objectPath), "gc removed the model of a run")
        let kept = await CLIRunner.run(["predict", runId, "--data", "auto-mpg.csv"], in: directory.path)
        #expect(kept.exitCode == 0, "\(kept.standardError)")
        let deleted = await CLIRunner.run(["runs", "delete", String(runId.prefix(20))], in: directory.path)
        #expect(deleted.exitCode == 0)
        #expect(await CLIRunner.run(["gc", "-q"], in: directory.path).exitCode == 0)
        #expect(!FileManager.default.fileExists(atPath: objectPath))
        let missing = await CLIRunner.run(["runs", "show", runId], in: directory.path)
        #expect(missing.exitCode == 8)
    }

    @Test func badTrainingInputFailsBeforeARunIsRecorded() async throws {
        let directory = try await Fixtures.experimentRepository()
        let cases: [([String], Int32, String)] = [
            (["--target", "price"], 8, "no column 'price'"),
            (["--target", "mpg", "--param", "leaves=3"], 64, "unknown parameter 'leaves'"),
            (["--target", "mpg", "--param", "learning_rate=5"], 64, "out of range"),
            (["--target", "name", "--model", "linear"], 65, "regression needs numbers"),
        ]
        for (arguments, code, message) in cases {
            let result = await CLIRunner.run(["train", "--data", "auto-mpg.csv"] + arguments, in: directory.path)
            #expect(result.exitCode == code, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
        let missingFile = await CLIRunner.run(["train", "--data", "nope.csv", "--target", "y"], in: directory.path)
        #expect(missingFile.exitCode == 8)
        #expect(try await runs(directory).isEmpty)
    }
}
