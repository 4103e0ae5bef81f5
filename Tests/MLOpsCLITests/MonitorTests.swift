import Foundation
import MLOpsCore
import MLOpsTestSupport
import Testing

/// `mlops monitor` end to end: drift against the profile `train` recorded, over files and over the serving log;
/// live quality from feedback; checks that record runs, alert a real HTTP receiver and a command, and retrain
/// through the promotion gates; the bad inputs that must never read as healthy; live drift on `/metrics`.
@Suite struct MonitorTests {
    static let features = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]
    static let train = ["--categorical", "origin"] + features.flatMap { ["--feature", $0] }

    private static func rows(_ directory: TemporaryDirectory) throws -> [[String: String]] {
        let lines = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(
                uniqueKeysWithValues: zip(
                    header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// auto-mpg with four of its seven features scaled: the data set drifts.
    private static func writeShifted(_ directory: TemporaryDirectory, to name: String = "shifted.csv") throws {
        let lines = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let scaled: [String: Double] = ["displacement": 1.5, "horsepower": 1.4, "weight": 1.3, "acceleration": 0.7]
        func shift(_ name: String, _ field: Substring) -> String {
            guard let factor = scaled[name], let value = Double(field) else { return String(field) }
            return String(value * factor)
        }
        let shifted: [String] = lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return zip(header, fields).map { shift($0, $1) }.joined(separator: ",")
        }
        try Fixtures.write(([String(lines[0])] + shifted).joined(separator: "\n") + "\n", to: directory.url(name))
    }

    private static func json(_ result: CLIResult) throws -> [String: Any] {
        try #require(try result.json() as? [String: Any], "\(result.standardError)")
    }

    private static func column(_ report: [String: Any], _ name: String) throws -> [String: Any] {
        let features = try #require(report["features"] as? [[String: Any]])
        return try #require(features.first { $0["column"] as? String == name })
    }

    @Test func driftAgainstTheStoredProfileNeedsNoTrainingData() async throws {
        let directory = try await Fixtures.registry([Self.train], production: 1).directory
        try Self.writeShifted(directory)

        let same = await CLIRunner.run(
            ["monitor", "drift", "mpg@production", "--current", "auto-mpg.csv", "--json"], in: directory.path)
        #expect(same.exitCode == 0, "\(same.standardError)")
        let sameReport = try Self.json(same)
        #expect(sameReport["drifted"] as? Bool == false)
        #expect((sameReport["reference"] as? String)?.hasPrefix("profile of run") == true)
        // 314 training rows: Evidently's defaults pick KS and chi-square; cylinders (5 values) goes as categories.
        #expect(try Self.column(sameReport, "weight")["test"] as? String == "ks")
        #expect(try Self.column(sameReport, "origin")["test"] as? String == "chisquare")
        #expect(try Self.column(sameReport, "cylinders")["test"] as? String == "chisquare")

        // The training data is gone: the profile is all drift needs.
        try FileManager.default.removeItem(atPath: directory.url("auto-mpg.csv"))
        let shifted = await CLIRunner.run(
            ["monitor", "drift", "mpg@production", "--current", "shifted.csv", "--json"], in: directory.path)
        #expect(shifted.exitCode == 4, "drift exits 4: \(shifted.standardError)")
        let report = try Self.json(shifted)
        #expect(report["drifted"] as? Bool == true)
        #expect(report["drifted_features"] as? Int == 4)
        for name in ["displacement", "horsepower", "weight", "acceleration"] {
            let column = try Self.column(report, name)
            #expect(column["drifted"] as? Bool == true, "\(name)")
            #expect(try #require(column["score"] as? Double) < 1e-6, "\(name)")
        }
        for name in ["cylinders", "year", "origin"] {
            #expect(try Self.column(report, name)["drifted"] as? Bool == false, "\(name)")
        }
        let prediction = try #require(report["prediction"] as? [String: Any])
        #expect(prediction["drifted"] as? Bool == true, "heavier cars: the predictions drift too")
        let target = try #require(report["target"] as? [String: Any])
        #expect(target["drifted"] as? Bool == false, "mpg itself did not change")

        // The same through a bundle in another repository, which has the model and its profile, not the data.
        let exported = await CLIRunner.run(
            ["export", "mpg@production", "--format", "bundle", "--output", "mpg.tar.gz"], in: directory.path)
        #expect(exported.exitCode == 0, "\(exported.standardError)")
        let other = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: other.path)
        _ = await CLIRunner.run(["init", "-q"], in: other.path)
        let imported = await CLIRunner.run(
            ["import", directory.url("mpg.tar.gz"), "--name", "mpg"], in: other.path)
        #expect(imported.exitCode == 0, "\(imported.standardError)")
        let elsewhere = await CLIRunner.run(
            ["monitor", "drift", "mpg@1", "--current", directory.url("shifted.csv"), "--json"], in: other.path)
        #expect(elsewhere.exitCode == 4, "\(elsewhere.standardError)")
        let elsewhereReport = try Self.json(elsewhere)
        #expect(elsewhereReport["drifted_features"] as? Int == 4)
        #expect((elsewhereReport["reference"] as? String)?.hasPrefix("profile of imported") == true)
    }

    /// Logs requests as `mlops serve` does: one row each, inputs as columns, the prediction, a label for some.
    private static func logRequests(
        _ rows: [[String: String]], predictions: [Double], in directory: TemporaryDirectory, labels: Int,
        labelOffset: Double = 0
    ) throws {
        let repository = try Repository(root: directory.path)
        var records: [ServingLogRecord] = []
        for (index, row) in rows.enumerated() {
            var inputs: [String: Any] = [:]
            for name in features {
                let field = row[name] ?? ""
                inputs[name] = name == "origin" ? [field] : [Double(field).map { $0 as Any } ?? NSNull()]
            }
            let text = String(decoding: try JSONSerialization.data(withJSONObject: inputs), as: UTF8.self)
            records.append(
                ServingLogRecord(
                    requestID: "request-\(index)", model: "mpg", version: 1, route: "mpg@production",
                    protocolName: "v2", received: Date().addingTimeInterval(-60), latencySeconds: 0.001, rowCount: 1,
                    inputs: text, outputs: "[\(predictions[index])]"))
        }
        try repository.servingLog.append(records)
        try repository.servingLog.recordFeedback(
            rows.prefix(labels).enumerated().map { index, row in
                FeedbackLabel(
                    requestID: "request-\(index)", label: "\((Double(row["mpg"] ?? "") ?? 0) + labelOffset)",
                    received: Date())
            })
    }

    private static func predictions(_ directory: TemporaryDirectory, data: String) async throws -> [Double] {
        let predicted = await CLIRunner.run(
            ["predict", "mpg@1", "--data", data, "--output", "predicted.csv"], in: directory.path)
        #expect(predicted.exitCode == 0, "\(predicted.standardError)")
        return try Fixtures.read(directory.url("predicted.csv")).split(separator: "\n").dropFirst().map {
            try #require(Double($0.split(separator: ",")[0]))
        }
    }

    @Test func driftAndQualityOverTheServingLog() async throws {
        let directory = try await Fixtures.registry([Self.train], production: 1).directory
        let rows = try Self.rows(directory)
        let predictions = try await Self.predictions(directory, data: "auto-mpg.csv")
        try Self.logRequests(rows, predictions: predictions, in: directory, labels: 120)
        // A label anyone could post that is not an mpg: left out of the scores and counted apart.
        try Repository(root: directory.path).servingLog.recordFeedback([
            FeedbackLabel(requestID: "request-300", label: "\"banana\"", received: Date())
        ])

        let drift = await CLIRunner.run(
            ["monitor", "drift", "mpg@production", "--since", "1h", "--json"], in: directory.path)
        #expect(drift.exitCode == 0, "\(drift.standardError)")
        let report = try Self.json(drift)
        #expect(report["current_rows"] as? Int == rows.count)
        #expect((report["current"] as? String)?.hasPrefix("serving log of mpg@1") == true)
        #expect(report["drifted"] as? Bool == false)

        // Live quality equals `mlops eval` on the same 120 labelled rows.
        let lines = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n")
        try Fixtures.write(lines.prefix(121).joined(separator: "\n") + "\n", to: directory.url("labelled.csv"))
        let evaluated = try Self.json(
            await CLIRunner.run(
                ["eval", "mpg@1", "--data", "labelled.csv", "--categorical", "origin", "--json"], in: directory.path))
        let quality = await CLIRunner.run(
            ["monitor", "quality", "mpg@production", "--since", "1h", "--json"], in: directory.path)
        #expect(quality.exitCode == 0, "\(quality.standardError)")
        let qualityReport = try Self.json(quality)
        #expect(qualityReport["labelled_rows"] as? Int == 120)
        #expect(qualityReport["unusable_labels"] as? Int == 1)
        let live = try #require(qualityReport["metrics"] as? [String: Double])
        let expected = try #require(evaluated["metrics"] as? [String: Double])
        for name in ["rmse", "mae", "r2"] {
            let value = try #require(live[name])
            let reference = try #require(expected[name])
            #expect(abs(value - reference) <= 1e-9 * max(1, abs(reference)), "\(name): \(value) vs \(reference)")
        }
        #expect((qualityReport["evaluated"] as? [String: Double])?["rmse"] != nil)

        // A gate from the configuration that live quality fails: exit 3 naming it.
        try Self.configure(directory, monitor: "  quality:\n    gates: [\"rmse < 0.01\"]\n")
        let failing = await CLIRunner.run(
            ["monitor", "quality", "mpg@production", "--since", "1h"], in: directory.path)
        #expect(failing.exitCode == 3)
        #expect(failing.standardError.contains("rmse < 0.01"))

        // An empty window is an error, never a healthy verdict.
        let empty = await CLIRunner.run(
            ["monitor", "drift", "mpg@production", "--since", "2026-01-01", "--until", "2026-01-02"],
            in: directory.path)
        #expect(empty.exitCode == 8)
        #expect(empty.standardError.contains("answered no requests"))
    }

    /// Appends `monitor:` settings (and anything else given) to `.mlops/config.yaml`.
    private static func configure(_ directory: TemporaryDirectory, monitor: String, extra: String = "") throws {
        let path = directory.url(".mlops/config.yaml")
        try Fixtures.write(try Fixtures.read(path) + "monitor:\n" + monitor + extra, to: path)
    }

    @Test func badInputIsNamedAndNeverHealthy() async throws {
        let directory = try await Fixtures.registry([Self.train], production: 1).directory
        let lines = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n")
        // Without horsepower, and with text where weight holds numbers.
        let header = lines[0].split(separator: ",").map(String.init)
        let kept: [String] = lines.enumerated().map { index, line in
            let fields = zip(header, line.split(separator: ",", omittingEmptySubsequences: false))
            let chosen: [String] = fields.filter { $0.0 != "horsepower" }.map { name, field in
                name == "weight" && index > 0 ? "heavy" : String(field)
            }
            return chosen.joined(separator: ",")
        }
        try Fixtures.write(kept.joined(separator: "\n") + "\n", to: directory.url("broken.csv"))
        let broken = await CLIRunner.run(
            ["monitor", "drift", "mpg@production", "--current", "broken.csv", "--json"], in: directory.path)
        let report = try Self.json(broken)
        let horsepower = try Self.column(report, "horsepower")
        #expect(horsepower["drifted"] == nil || horsepower["drifted"] is NSNull)
        #expect((horsepower["reason"] as? String)?.contains("has no column 'horsepower'") == true)
        let weight = try Self.column(report, "weight")
        #expect((weight["reason"] as? String)?.contains("numbers in the reference and text") == true)
        #expect(report["computed_features"] as? Int == 5)
        #expect(report["drifted_features"] as? Int == 2, "a column that could not be compared counts as drifted")

        // A model registered from a file has no profile: said so, with the way out.
        let exported = await CLIRunner.run(
            ["export", "mpg@1", "--format", "bundle", "--output", "mpg.tar.gz"], in: directory.path)
        #expect(exported.exitCode == 0, "\(exported.standardError)")
        let untar = Process()
        untar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        untar.arguments = ["-xzf", "mpg.tar.gz", "model.json"]
        untar.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        try untar.run()
        untar.waitUntilExit()
        _ = await CLIRunner.run(["model", "register", "model.json", "--name", "plain"], in: directory.path)
        let noProfile = await CLIRunner.run(
            ["monitor", "drift", "plain@1", "--current", "auto-mpg.csv"], in: directory.path)
        #expect(noProfile.exitCode == 8)
        #expect(noProfile.standardError.contains("has no reference profile"))
        #expect(noProfile.standardError.contains("--reference"))
        let withReference = await CLIRunner.run(
            ["monitor", "drift", "plain@1", "--reference", "auto-mpg.csv", "--current", "auto-mpg.csv", "--json"],
            in: directory.path)
        #expect(withReference.exitCode == 0, "\(withReference.standardError)")

        // Values at the ends of the Double range, and a constant column: compared, never a trap.
        try Fixtures.write("x,c\n-1e308,1\n1e308,1\n5e-324,1\n", to: directory.url("edge-a.csv"))
        try Fixtures.write("x,c\n1.7e308,1\n-1.7e308,1\n0,1\n", to: directory.url("edge-b.csv"))
        let edges = await CLIRunner.run(
            ["monitor", "drift", "--reference", "edge-a.csv", "--current", "edge-b.csv", "--json"], in: directory.path)
        #expect([0, 4].contains(edges.exitCode), "\(edges.standardError)")
        let constant = try Self.column(try Self.json(edges), "c")
        #expect(constant["drifted"] as? Bool == false, "one category on both sides is the same distribution")
        try Fixtures.write("y\n1\n2\n", to: directory.url("only-target.csv"))
        let onlyTarget = await CLIRunner.run(
            ["monitor", "drift", "--reference", "only-target.csv", "--current", "only-target.csv", "--target", "y"],
            in: directory.path)
        #expect(onlyTarget.exitCode == 65, "nothing compared is not a healthy verdict")
        #expect(onlyTarget.standardError.contains("no features"))

        // Retraining promotes through an alias's gates: a version number or `latest` is refused before anything.
        let latest = await CLIRunner.run(
            ["monitor", "check", "mpg@latest", "--current", "auto-mpg.csv", "--retrain"], in: directory.path)
        #expect(latest.exitCode == 64)
        #expect(latest.standardError.contains("is not an alias"))

        // A test that does not exist, and one that does not fit the column's kind.
        try Self.configure(directory, monitor: "  drift:\n    columns: {weight: {test: chisquare}}\n")
        let misfit = await CLIRunner.run(
            ["monitor", "drift", "mpg@production", "--current", "auto-mpg.csv"], in: directory.path)
        #expect(misfit.exitCode == 65)
        #expect(misfit.standardError.contains("does not apply"))
        let usage = await CLIRunner.run(["monitor", "drift", "mpg@production"], in: directory.path)
        #expect(usage.exitCode == 64)
    }

    /// A receiver for webhooks on 127.0.0.1: writes each POST body to `bodies.jsonl` and answers 200.
    private static func webhookReceiver(_ directory: TemporaryDirectory) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            Fixtures.projectRoot + "/Tests/MLOpsCLITests/Fixtures/webhook_receiver.py", directory.url("bodies.jsonl"),
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var port = ""
        while !port.hasSuffix("\n") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            port += String(decoding: chunk, as: UTF8.self)
        }
        return (process, "http://127.0.0.1:\(port.trimmingCharacters(in: .whitespacesAndNewlines))/hooks/secret")
    }

    @Test func checkRecordsAlertsAndRetrainsOnlyThroughTheGates() async throws {
        let directory = try await Fixtures.registry([Self.train], production: 1).directory
        try Self.writeShifted(directory)
        try Fixtures.write(
            """
            data: auto-mpg.csv
            target: mpg
            categorical: [origin]
            features: [cylinders, displacement, horsepower, weight, acceleration, year, origin]
            params: {seed: 7}
            """, to: directory.url("retrain.yaml"))
        try Self.configure(
            directory, monitor: "  retrain:\n    train: retrain.yaml\n",
            extra: "registry:\n  approval:\n    production:\n      data: auto-mpg.csv\n      gates: [\"rmse < 100\"]\n"
                + "      categorical: [origin]\n")
        let (receiver, url) = try Self.webhookReceiver(directory)
        defer {
            // SIGKILL: a child of the test process inherits its blocked signals, SIGTERM among them.
            kill(receiver.processIdentifier, SIGKILL)
            receiver.waitUntilExit()
        }

        let dryRun = await CLIRunner.run(
            ["monitor", "check", "mpg@production", "--current", "shifted.csv", "--retrain", "--dry-run", "--json"],
            in: directory.path)
        #expect(dryRun.exitCode == 4, "\(dryRun.standardError)")
        #expect(((try Self.json(dryRun))["retraining"] as? [String: Any])?["dry_run"] as? Bool == true)
        #expect(
            (try Self.json(await CLIRunner.run(["model", "show", "mpg@latest", "--json"], in: directory.path)))[
                "version"] as? Int == 1)

        let check = await CLIRunner.run(
            [
                "monitor", "check", "mpg@production", "--current", "shifted.csv", "--retrain", "--webhook", url,
                "--exec", "cp \"$MLOPS_MONITOR_REPORT\" verdict.json", "--json",
            ], in: directory.path)
        #expect(check.exitCode == 4, "\(check.standardError)")
        let verdict = try Self.json(check)
        #expect(verdict["status"] as? String == "drift")
        let retraining = try #require(verdict["retraining"] as? [String: Any])
        #expect(retraining["registered"] as? String == "mpg@2")
        #expect(retraining["promoted"] as? Bool == true, "\(retraining)")
        let production = try Self.json(
            await CLIRunner.run(["model", "show", "mpg@production", "--json"], in: directory.path))
        #expect(production["version"] as? Int == 2)

        // The alerts: the receiver got the verdict with a text line; the command got the verdict file.
        let alerts = try #require(verdict["alerts"] as? [[String: Any]])
        #expect(alerts.count == 2 && alerts.allSatisfy { $0["delivered"] as? Bool == true }, "\(alerts)")
        #expect(alerts.first?["target"] as? String == url.replacingOccurrences(of: "/hooks/secret", with: ""))
        let posted = try #require(
            try JSONSerialization.jsonObject(with: Data(try Fixtures.read(directory.url("bodies.jsonl")).utf8))
                as? [String: Any])
        #expect((posted["text"] as? String)?.hasPrefix("mpg@1: data drift; drift in 4 of 7 features") == true)
        #expect(posted["run_id"] as? String == verdict["run_id"] as? String)
        let file = try #require(
            try JSONSerialization.jsonObject(with: Data(try Fixtures.read(directory.url("verdict.json")).utf8))
                as? [String: Any])
        #expect(file["status"] as? String == "drift")

        // The history: the check is a monitor run, linked to the training run it triggered.
        let history = try #require(
            try (await CLIRunner.run(["runs", "list", "--where", "kind = monitor", "--json"], in: directory.path))
                .json()
                as? [[String: Any]])
        #expect(history.count == 2, "the dry run and the check")
        let trained = try #require(retraining["training_run"] as? String)
        let trainingRun = try Self.json(await CLIRunner.run(["runs", "show", trained, "--json"], in: directory.path))
        #expect((trainingRun["tags"] as? [String: String])?["monitor_run"] == verdict["run_id"] as? String)

        // Gates the candidate cannot pass: registered, not promoted, production untouched, and said why.
        let path = directory.url(".mlops/config.yaml")
        try Fixtures.write(
            try Fixtures.read(path).replacingOccurrences(of: "rmse < 100", with: "rmse < 0.001"), to: path)
        let refused = await CLIRunner.run(
            ["monitor", "check", "mpg@production", "--current", "shifted.csv", "--retrain", "--json"],
            in: directory.path)
        #expect(refused.exitCode == 4)
        let outcome = try #require((try Self.json(refused))["retraining"] as? [String: Any])
        #expect(outcome["promoted"] as? Bool == false)
        #expect((outcome["reason"] as? String)?.contains("not promoted") == true)
        let still = try Self.json(
            await CLIRunner.run(["model", "show", "mpg@production", "--json"], in: directory.path))
        #expect(still["version"] as? Int == 2)

        // A healthy check exits 0 and alerts no one.
        let healthy = await CLIRunner.run(
            ["monitor", "check", "mpg@production", "--current", "auto-mpg.csv", "--webhook", url, "--json"],
            in: directory.path)
        #expect(healthy.exitCode == 0, "\(healthy.standardError)")
        #expect(((try Self.json(healthy))["alerts"] as? [Any])?.isEmpty == true)
    }

    @Test func retrainingThroughAPipelineStageAndAFailedOneLeavesProductionAlone() async throws {
        let directory = try await Fixtures.registry([Self.train], production: 1).directory
        try Self.writeShifted(directory)
        let features = Self.features.map { "--feature \($0)" }.joined(separator: " ")
        try Fixtures.write(
            """
            stages:
              retrain:
                cmd: mlops train --data shifted.csv --target mpg --categorical origin \(features) --json > trained.json
                deps: [shifted.csv]
                outs: [trained.json]
              broken:
                cmd: exit 3
                deps: [shifted.csv]
                outs: [never.json]
            """, to: directory.url("mlops.yaml"))
        try Self.configure(
            directory, monitor: "  retrain:\n    stage: retrain\n",
            extra: "registry:\n  approval:\n    production:\n      data: shifted.csv\n      categorical: [origin]\n"
                + "      baseline: production\n      max_regression: [\"rmse=0%\"]\n")
        let check = await CLIRunner.run(
            ["monitor", "check", "mpg@production", "--current", "shifted.csv", "--retrain", "--json"],
            in: directory.path)
        #expect(check.exitCode == 4, "\(check.standardError)")
        let retraining = try #require((try Self.json(check))["retraining"] as? [String: Any])
        #expect(retraining["plan"] as? String == "repro retrain")
        #expect(retraining["registered"] as? String == "mpg@2")
        #expect(retraining["promoted"] as? Bool == true, "trained on the shifted data, it beats mpg@1 there")
        let trained = try #require(
            try JSONSerialization.jsonObject(with: Data(try Fixtures.read(directory.url("trained.json")).utf8))
                as? [String: Any])
        #expect(trained["run_id"] as? String == retraining["training_run"] as? String)

        // A stage that fails: the verdict and its alert stand, nothing is registered, production stays.
        let path = directory.url(".mlops/config.yaml")
        try Fixtures.write(
            try Fixtures.read(path).replacingOccurrences(of: "stage: retrain", with: "stage: broken"), to: path)
        let failed = await CLIRunner.run(
            [
                "monitor", "check", "mpg@production", "--current", "auto-mpg.csv", "--always-alert", "--retrain",
                "--exec", "cp \"$MLOPS_MONITOR_REPORT\" verdict.json", "--json",
            ], in: directory.path)
        let verdict = try Self.json(failed)
        #expect((verdict["alerts"] as? [[String: Any]])?.first?["delivered"] as? Bool == true)
        let production = try Self.json(
            await CLIRunner.run(["model", "show", "mpg@production", "--json"], in: directory.path))
        #expect(production["version"] as? Int == 2)
        let latest = try Self.json(await CLIRunner.run(["model", "show", "mpg@latest", "--json"], in: directory.path))
        #expect(latest["version"] as? Int == 2)
        // mpg@2 learned the shifted data, so the original data drifts from its profile, and retraining is tried.
        #expect(failed.exitCode == 4, "\(failed.standardError)")
        let outcome = try #require(verdict["retraining"] as? [String: Any])
        #expect((outcome["reason"] as? String)?.hasPrefix("retraining failed") == true, "\(outcome)")
        #expect(outcome["promoted"] as? Bool == false)
    }

    @Test func theReportIsOneFileAndTheServerExportsLiveDrift() async throws {
        let directory = try await Fixtures.registry([Self.train], production: 1).directory
        try Self.writeShifted(directory)
        let written = await CLIRunner.run(
            ["monitor", "report", "mpg@production", "--current", "shifted.csv", "--output", "drift.html"],
            in: directory.path)
        #expect(written.exitCode == 0, "\(written.standardError)")
        let page = try Fixtures.read(directory.url("drift.html"))
        #expect(page.contains("data-drifted=\"true\""))
        #expect(Self.features.allSatisfy { page.contains("data-column=\"\($0)\"") })
        let inside = await CLIRunner.run(
            ["monitor", "report", "mpg@production", "--current", "shifted.csv", "--output", ".mlops/x.html"],
            in: directory.path)
        #expect(inside.exitCode == 65, "never write into .mlops")

        let server = try RunningServer(["mpg@production", "--drift-interval", "0.2"], in: directory.path)
        defer { _ = server.stop() }
        let rows = try Self.rows(directory).prefix(200)
        for row in rows {
            let body: [String: Any] = [
                "inputs": Self.features.map { name -> [String: Any] in
                    let field = row[name] ?? ""
                    let number = (Double(field) ?? 0) * (name == "weight" ? 2 : 1)
                    let value: Any = name == "origin" ? field : number
                    return [
                        "name": name, "shape": [1], "datatype": name == "origin" ? "BYTES" : "FP64", "data": [value],
                    ]
                }
            ]
            let answer = try await server.request("POST", "/v2/models/mpg/infer", json: body)
            #expect(answer.status == 200)
        }
        var metrics = ""
        for _ in 0..<50 where !metrics.contains("feature=\"weight\",statistic=\"ks_p_value\"") {
            try await Task.sleep(for: .milliseconds(100))
            metrics = try await server.request("GET", "/metrics").text
        }
        let line = try #require(
            metrics.split(separator: "\n").first {
                $0.hasPrefix("mlops_feature_drift{") && $0.contains("feature=\"weight\",statistic=\"ks_p_value\"")
            })
        #expect(try #require(Double(line.split(separator: " ").last ?? "")) < 1e-6, "weight doubled drifts: \(line)")
        #expect(metrics.contains("mlops_dataset_drift_share{model=\"mpg\",version=\"1\"}"))
    }
}
