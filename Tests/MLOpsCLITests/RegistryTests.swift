import Foundation
import MLOpsTestSupport
import Testing

/// `eval` gates and the model registry on real repositories, through the CLI.
@Suite struct RegistryTests {
    /// A repository with two registered versions of `mpg`: 1 (linear) and 2 (gbdt).
    private func registry() async throws -> (TemporaryDirectory, [String]) {
        try await Fixtures.registry([Fixtures.fiveFeatures("linear"), Fixtures.fiveFeatures("gbdt")])
    }

    private func mlops(_ arguments: [String], _ directory: TemporaryDirectory) async -> CLIResult {
        await CLIRunner.run(arguments, in: directory.path)
    }

    @Test func absoluteAndRelativeGatesPassOrExitWithGateFailed() async throws {
        let (directory, _) = try await registry()
        let data = ["--data", "auto-mpg.csv", "--categorical", "origin"]
        let pass = await mlops(["eval", "mpg@2", "--gate", "rmse < 4", "--gate", "r2>=0.7"] + data, directory)
        #expect(pass.exitCode == 0, "\(pass.standardError)")
        #expect(pass.standardOutput.contains("pass  rmse < 4"))

        let fail = await mlops(["eval", "mpg@2", "--gate", "rmse < 0.5", "--json"] + data, directory)
        #expect(fail.exitCode == 3)
        #expect(fail.standardError.contains("quality gate failed: rmse < 0.5: rmse is"))
        let report = try #require(try fail.json() as? [String: Any])  // still exactly one JSON document
        #expect(report["passed"] as? Bool == false)
        #expect((report["gates"] as? [[String: Any]])?.first?["passed"] as? Bool == false)

        _ = await mlops(["model", "promote", "mpg@1", "--to", "production"], directory)
        let metrics = try #require(
            try await mlops(["eval", "mpg@1", "--json"] + data, directory).json() as? [String: Any])
        let linearRMSE = try #require((metrics["metrics"] as? [String: Double])?["rmse"])
        let better = await mlops(
            ["eval", "mpg@2", "--baseline", "production", "--max-regression", "rmse=2%", "--json"] + data, directory)
        #expect(better.exitCode == 0, "\(better.standardError)")
        let betterReport = try #require(try better.json() as? [String: Any])
        #expect((betterReport["baseline"] as? [String: Any])?["version"] as? Int == 1)
        let limit = try #require((betterReport["gates"] as? [[String: Any]])?.first?["limit"] as? Double)
        #expect(abs(limit - linearRMSE * 1.02) < 1e-9)
        _ = await mlops(["model", "promote", "mpg@2", "--to", "production"], directory)
        let worse = await mlops(
            ["eval", "mpg@1", "--baseline", "production", "--max-regression", "rmse=0%"] + data, directory)
        #expect(worse.exitCode == 3)
        #expect(worse.standardError.contains("within 0% of the baseline"))

        for (arguments, message) in [
            (["--gate", "rmse <"], "bad gate"), (["--gate", "accuracy > 0.5"], "no metric 'accuracy'"),
            (["--max-regression", "rmse=2%"], "needs a --baseline"),
            (["--baseline", "production", "--max-regression", "rmse=lots"], "bad regression limit"),
        ] {
            let result = await mlops(["eval", "mpg@2"] + data + arguments, directory)
            #expect(result.exitCode == 64, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
        let evalRuns = try #require(
            try await mlops(["runs", "list", "--where", "kind = eval", "--json"], directory).json() as? [Any])
        #expect(evalRuns.count == 5)

        // Each evaluation records its gates' verdicts; one with a failed gate ends failed_gate.
        let failedGates = try #require(
            try await mlops(["runs", "list", "--where", "status = failed_gate", "--json"], directory).json()
                as? [[String: Any]])
        #expect(failedGates.count == 2)  // rmse < 0.5, and the regression against production
        let failedRun = try #require(report["run_id"] as? String)
        let shown = try #require(
            try await mlops(["runs", "show", failedRun, "--json"], directory).json() as? [String: Any])
        #expect(shown["status"] as? String == "failed_gate")
        let gates = try #require(shown["gates"] as? [[String: Any]])
        #expect(gates.count == 1)
        #expect(gates.first?["gate"] as? String == "rmse < 0.5" && gates.first?["metric"] as? String == "rmse")
        #expect(gates.first?["limit"] as? Double == 0.5 && gates.first?["passed"] as? Bool == false)
        #expect(gates.first?["value"] as? Double == (report["metrics"] as? [String: Double])?["rmse"])
        let text = await mlops(["runs", "show", failedRun], directory).standardOutput
        #expect(text.contains("gates\n") && text.contains("rmse < 0.5") && text.contains("limit 0.5"), "\(text)")
        let betterRun = try #require(betterReport["run_id"] as? String)
        let passed = try #require(
            try await mlops(["runs", "show", betterRun, "--json"], directory).json() as? [String: Any])
        #expect(passed["status"] as? String == "finished")
        #expect((passed["gates"] as? [[String: Any]])?.map { $0["passed"] as? Bool } == [true])
    }

    @Test func aVersionsMetricsSayWhereTheyWereMeasured() async throws {
        let (directory, runs) = try await registry()
        func version(_ reference: String) async throws -> [String: Any] {
            try #require(try await mlops(["model", "show", reference, "--json"], directory).json() as? [String: Any])
        }
        let trained = try #require(try await version("mpg@1")["metrics_from"] as? [String: Any])
        #expect(trained["kind"] as? String == "train" && trained["run_id"] as? String == runs[0])
        #expect((trained["inputs"] as? [[String: Any]])?.map { $0["path"] as? String } == ["auto-mpg.csv"])

        // Scored on other data, the same model registers with the evaluation's metrics, and says so.
        let rows = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n").prefix(80)
        try Fixtures.write(rows.joined(separator: "\n") + "\n", to: directory.url("holdout.csv"))
        let evaluation = try #require(
            try await mlops(
                ["eval", "run:" + runs[1], "--data", "holdout.csv", "--categorical", "origin", "--json"], directory
            ).json() as? [String: Any])
        let evaluationRun = try #require(evaluation["run_id"] as? String)
        let registered = await mlops(
            ["model", "register", "run:" + runs[1], "--name", "mpg", "--metrics-from", "eval:" + evaluationRun],
            directory)
        #expect(registered.exitCode == 0, "\(registered.standardError)")
        let three = try await version("mpg@3")
        #expect(three["metrics"] as? [String: Double] == evaluation["metrics"] as? [String: Double])
        let measured = try #require(three["metrics_from"] as? [String: Any])
        #expect(measured["kind"] as? String == "eval" && measured["run_id"] as? String == evaluationRun)
        #expect((measured["inputs"] as? [[String: Any]])?.map { $0["path"] as? String } == ["holdout.csv"])
        let text = await mlops(["model", "show", "mpg@3"], directory).standardOutput
        #expect(
            text.contains("metrics from") && text.contains("evaluation \(evaluationRun.prefix(18)) on holdout.csv"),
            "\(text)")

        // An evaluation of another model, or a run that is not an evaluation, is refused and registers nothing.
        let other = await mlops(
            ["model", "register", "run:" + runs[0], "--name", "mpg", "--metrics-from", "eval:" + evaluationRun],
            directory)
        #expect(other.exitCode == 65 && other.standardError.contains("not the model being registered"))
        let training = await mlops(
            ["model", "register", "run:" + runs[0], "--name", "mpg", "--metrics-from", runs[1]], directory)
        #expect(training.exitCode == 64 && training.standardError.contains("not an evaluation"))
        let onTrainingData = try #require(
            try await mlops(
                ["eval", "run:" + runs[1], "--data", "auto-mpg.csv", "--categorical", "origin", "--json"], directory
            ).json() as? [String: Any])
        let seen = await mlops(
            [
                "model", "register", "run:" + runs[1], "--name", "mpg", "--metrics-from",
                "eval:" + (onTrainingData["run_id"] as? String ?? ""),
            ], directory)
        #expect(seen.exitCode == 65 && seen.standardError.contains("the data the model was trained on"))
        let garbage = await mlops(
            ["model", "register", "run:" + runs[1], "--name", "mpg", "--metrics-from", "eval:"], directory)
        #expect(garbage.exitCode == 65 && garbage.standardError.contains("--metrics-from 'eval:'"))
        #expect(await mlops(["model", "show", "mpg@4"], directory).exitCode == 8)
    }

    @Test func promotionsAndRollbacksFormAnAppendOnlyHistory() async throws {
        let (directory, runs) = try await registry()
        _ = await mlops(["model", "register", "run:" + runs[0], "--name", "mpg"], directory)  // version 3
        for version in [1, 2, 3] {
            let promoted = await mlops(
                ["model", "promote", "mpg@\(version)", "--to", "production", "--reason", "v\(version)"], directory)
            #expect(promoted.exitCode == 0, "\(promoted.standardError)")
        }
        let again = await mlops(["model", "promote", "mpg@3", "--to", "production", "--json"], directory)
        #expect((try again.json() as? [String: Any])?["changed"] as? Bool == false)
        func production() async throws -> Int? {
            (try await mlops(["model", "show", "mpg@production", "--json"], directory).json() as? [String: Any])?[
                "version"] as? Int
        }
        #expect(try await production() == 3)
        #expect(await mlops(["model", "rollback", "mpg", "--reason", "bad"], directory).exitCode == 0)
        #expect(try await production() == 2)
        #expect(await mlops(["model", "rollback", "mpg"], directory).exitCode == 0)
        #expect(try await production() == 1)
        let tooFar = await mlops(["model", "rollback", "mpg"], directory)
        #expect(tooFar.exitCode == 10)
        #expect(tooFar.standardError.contains("no version held 'production' before mpg@1"))

        let history = try await mlops(["model", "history", "mpg", "--json"], directory)
            .decode([Payload.RegistryEvent].self)
        let moves = history.filter { $0.alias == "production" }.map {
            "\($0.event) \($0.fromVersion.map(String.init) ?? "none")→\($0.toVersion.map(String.init) ?? "none")"
        }
        #expect(moves == ["promote none→1", "promote 1→2", "promote 2→3", "rollback 3→2", "rollback 2→1"])
        #expect(history.filter { $0.event == "register" }.count == 3)
        #expect(history.map(\.sequence) == history.map(\.sequence).sorted())

        let refused = await mlops(["model", "delete", "mpg@1"], directory)
        #expect(refused.exitCode == 9)
        #expect(await mlops(["model", "delete", "mpg@3"], directory).exitCode == 0)
        #expect(await mlops(["model", "show", "mpg@3"], directory).exitCode == 8)
    }

    @Test func configuredApprovalGatesPromotionsAndGitTagsMarkThem() async throws {
        let (directory, _) = try await registry()
        let config = try Fixtures.read(directory.url(".mlops/config.yaml"))
        try Fixtures.write(
            config + "registry:\n  approval:\n    production:\n      data: auto-mpg.csv\n      categorical: [origin]\n"
                + "      gates: [\"rmse < 10\"]\n      baseline: production\n      max_regression: [\"rmse=0%\"]\n",
            to: directory.url(".mlops/config.yaml"))
        // The first promotion has no holder to compare with: only the absolute gate applies.
        let first = await mlops(["model", "promote", "mpg@1", "--to", "production", "--git-tag", "--json"], directory)
        #expect(first.exitCode == 0, "\(first.standardError)")
        let change = try #require(try first.json() as? [String: Any])
        #expect((change["approval"] as? [String: Any])?["passed"] as? Bool == true)
        #expect(change["git_tags"] as? [String] == ["mpg@v1", "mpg#production"])
        let commit = try Fixtures.git(["rev-parse", "HEAD"], in: directory.path)
        #expect(try Fixtures.git(["rev-parse", "mpg@v1^{commit}"], in: directory.path) == commit)

        // Version 1 (linear) and 2 (gbdt) differ in RMSE on the approval data: the better one may replace the
        // worse, never the other way round (rmse=0% allows no regression).
        func rmse(_ version: Int) async throws -> Double {
            let report = await mlops(
                ["eval", "mpg@\(version)", "--data", "auto-mpg.csv", "--categorical", "origin", "--json"], directory)
            let metrics = (try report.json() as? [String: Any])?["metrics"] as? [String: Double]
            return try #require(metrics?["rmse"], "\(report.standardError)")
        }
        let (one, two) = (try await rmse(1), try await rmse(2))
        try #require(one != two)
        let (better, worse) = two < one ? (2, 1) : (1, 2)
        func production() async throws -> Int? {
            (try await mlops(["model", "show", "mpg@production", "--json"], directory).json() as? [String: Any])?[
                "version"] as? Int
        }
        if better == 2 {
            let promoted = await mlops(["model", "promote", "mpg@2", "--to", "production", "--git-tag"], directory)
            #expect(promoted.exitCode == 0, "\(promoted.standardError)")
            #expect(try Fixtures.git(["tag", "--list", "mpg*"], in: directory.path).split(separator: "\n").count == 3)
        }
        #expect(try await production() == better)
        let refused = await mlops(["model", "promote", "mpg@\(worse)", "--to", "production"], directory)
        #expect(refused.exitCode == 3, "\(refused.standardError)")
        #expect(refused.standardError.contains("mpg@\(worse) may not become 'production'"))
        #expect(refused.standardError.contains("registry.approval.production"))
        #expect(try await production() == better)
        // Each promotion attempt evaluated the candidate once (recorded as an eval run), besides the two above.
        let evals = try #require(
            try await mlops(["runs", "list", "--where", "kind = eval", "--json"], directory).json() as? [Any])
        #expect(evals.count == 2 + (better == 2 ? 3 : 2))

        // A rollback passes the same gates as a promotion: restoring the worse version is refused, unless the gates
        // are skipped on the record. With no earlier holder the refusal shows the alias's history.
        let rollback = await mlops(["model", "rollback", "mpg"], directory)
        if better == 2 {
            #expect(rollback.exitCode == 3, "\(rollback.standardError)")
            #expect(rollback.standardError.contains("mpg@1 may not become 'production'"))
            #expect(rollback.standardError.contains("--skip-gates --reason"))
            #expect(try await production() == 2)
            #expect(await mlops(["model", "rollback", "mpg", "--skip-gates"], directory).exitCode == 64)
            let skipped = await mlops(
                ["model", "rollback", "mpg", "--skip-gates", "--reason", "v2 fails in serving"], directory)
            #expect(skipped.exitCode == 0, "\(skipped.standardError)")
            #expect(try await production() == 1)
            let last = try #require(
                (try await mlops(["model", "history", "mpg", "--json"], directory).json() as? [[String: Any]])?.last)
            #expect(last["event"] as? String == "rollback" && last["gates_skipped"] as? Bool == true)
            #expect(last["reason"] as? String == "v2 fails in serving")
        } else {
            #expect(rollback.exitCode == 10, "\(rollback.standardError)")
            #expect(rollback.standardError.contains("mpg@1 holds 'production'; its history: promote none → 1"))
        }

        try Fixtures.write(config + "registry:\n  aproval: {}\n", to: directory.url(".mlops/config.yaml"))
        #expect(await mlops(["model", "list"], directory).exitCode == 65)
        try Fixtures.write(config + "regsitry: {}\n", to: directory.url(".mlops/config.yaml"))
        let typo = await mlops(["model", "list"], directory)
        #expect(typo.exitCode == 65)
        #expect(typo.standardError.contains("unknown setting 'regsitry'"))
    }

    @Test func concurrentPromotionsSerializeIntoAConsistentChain() async throws {
        let (directory, _) = try await registry()
        for _ in 0..<3 {
            let processes = try [1, 2].map { version in
                try CLIRunner.launch(["model", "promote", "mpg@\(version)", "--to", "production"], in: directory.path)
            }
            for process in processes {
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
            }
        }
        let history = try #require(
            try await mlops(["model", "history", "mpg", "--json"], directory).json() as? [[String: Any]])
        let promotions = history.filter { $0["event"] as? String == "promote" }
        #expect(!promotions.isEmpty)
        var holder: Int?
        for event in promotions {
            #expect(event["from_version"] as? Int == holder)  // each move starts where the previous one ended
            holder = event["to_version"] as? Int
        }
        let current =
            (try await mlops(["model", "show", "mpg@production", "--json"], directory).json() as? [String: Any])?[
                "version"] as? Int
        #expect(current == holder)
    }

    @Test func everyReferenceFormResolvesAndBadOnesSayWhy() async throws {
        let (directory, runs) = try await registry()
        _ = await mlops(["model", "promote", "mpg@1", "--to", "staging"], directory)
        func predicted(_ reference: String) async -> String? {
            let result = await mlops(["predict", reference, "--data", "auto-mpg.csv"], directory)
            return result.exitCode == 0 ? result.standardOutput : nil
        }
        let byVersion = try #require(await predicted("mpg@1"))
        #expect(await predicted("mpg@staging") == byVersion)
        #expect(await predicted("run:" + runs[0]) == byVersion)
        #expect(await predicted(String(runs[0].prefix(30))) == byVersion)
        let latest = try #require(await predicted("mpg@latest"))
        #expect(latest == (try #require(await predicted("mpg@2"))))
        #expect(latest != byVersion)

        for (reference, code, message) in [
            ("mpg@9", Int32(8), "'mpg' has no version 9"), ("nope@1", 8, "no registered model 'nope'"),
            ("mpg@production", 8, "no version of 'mpg' is 'production'"), ("bad name@1", 64, "not a valid model name"),
            ("mpg@", 64, "not a valid alias"), ("xyz!", 64, "not a model reference"), ("run:ffff", 8, "no run 'ffff'"),
        ] {
            let result = await mlops(["predict", reference, "--data", "auto-mpg.csv"], directory)
            #expect(result.exitCode == code, "\(reference): \(result.standardError)")
            #expect(result.standardError.contains(message), "\(reference): \(result.standardError)")
        }
    }

    @Test func registeredVersionsSurviveGCAndFilesCanBeRegistered() async throws {
        let (directory, runs) = try await registry()
        let version = try #require(
            try await mlops(["model", "show", "mpg@1", "--json"], directory).json() as? [String: Any])
        let oid = try #require(version["oid"] as? String)
        #expect(await mlops(["runs", "delete", runs[0]], directory).exitCode == 0)
        _ = await mlops(["gc", "-q"], directory)
        #expect(await mlops(["predict", "mpg@1", "--data", "auto-mpg.csv"], directory).exitCode == 0)

        let hex = oid.dropFirst("sha256:".count)
        let object = directory.url(".mlops/objects/sha256/\(hex.prefix(2))/\(hex.dropFirst(2))")
        try FileManager.default.copyItem(atPath: object, toPath: directory.url("exported.json"))
        let registered = await mlops(["model", "register", "exported.json", "--name", "imported", "--json"], directory)
        #expect(registered.exitCode == 0, "\(registered.standardError)")
        #expect((try registered.json() as? [String: Any])?["oid"] as? String == oid)
        try Fixtures.write("{\"format_version\": 1}", to: directory.url("broken.json"))
        let broken = await mlops(["model", "register", "broken.json", "--name", "imported"], directory)
        #expect(broken.exitCode == 65)
    }
}
