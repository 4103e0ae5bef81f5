import Foundation
import MLOpsTestSupport
import Testing

/// Time-aware training on the bundled half-hourly electricity data (Examples/electricity): datetime columns the
/// model expands itself, through `predict` and `serve` (tritonclient); hold-outs by time and by file; time-series
/// cross-validation, which must rank configurations like their error on the following month better than random
/// k-fold does; and the example pipeline end to end.
@Suite struct TimeAwareTrainingTests {
    /// A git and mlops repository holding the example's files, with `features.py` run when `features` is set
    /// (data/train.csv for January–November, data/december.csv).
    private static func electricity(features: Bool = true) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: directory.path)
        #expect(await CLIRunner.run(["init", "-q"], in: directory.path).exitCode == 0)
        for file in ["elecdemand.csv", "features.py", "mlops.yaml", "params.yaml"] {
            try FileManager.default.copyItem(
                atPath: Fixtures.example("electricity/" + file), toPath: directory.url(file))
        }
        if features {
            try FileManager.default.createDirectory(atPath: directory.url("data"), withIntermediateDirectories: true)
            let made = try CLIRunner.execute(
                program: "/usr/bin/python3",
                ["features.py", "elecdemand.csv", "data/train.csv", "data/december.csv"], in: directory.path)
            #expect(made.exitCode == 0, "\(made.standardError)")
        }
        return directory
    }

    private static func succeed(_ arguments: [String], in directory: TemporaryDirectory) async throws -> [String: Any] {
        let result = await CLIRunner.run(arguments + ["--json"], in: directory.path)
        #expect(result.exitCode == 0, "mlops \(arguments.joined(separator: " ")): \(result.standardError)")
        return try #require(try result.json() as? [String: Any])
    }

    /// The first `count` lines of `source` (its header included) into `first`, the header and the rest into
    /// `rest`.
    private static func cut(_ source: String, after count: Int, into first: String, _ rest: String) throws {
        let lines = try Fixtures.read(source).split(separator: "\n", omittingEmptySubsequences: true)
        try Fixtures.write(lines[..<count].joined(separator: "\n") + "\n", to: first)
        try Fixtures.write(([lines[0]] + lines[count...]).joined(separator: "\n") + "\n", to: rest)
    }

    @Test func holdOutsByTimeAndByFileAreTheRowsTheySay() async throws {
        let directory = try await Self.electricity(features: false)
        // The file is in time order: the latest quarter is its last 4,380 rows.
        try Self.cut(
            directory.url("elecdemand.csv"), after: 1 + 13_140, into: directory.url("early.csv"),
            directory.url("late.csv"))
        let trained = try await Self.succeed(
            [
                "train", "--data", "elecdemand.csv", "--target", "Demand", "--split", "time:time", "--test-fraction",
                "0.25",
            ],
            in: directory)
        #expect(trained["train_rows"] as? Int == 13_140 && trained["test_rows"] as? Int == 4_380)
        #expect((trained["warnings"] as? [String])?.isEmpty == true, "the time column is a datetime, not an id")
        let run = try #require(trained["run_id"] as? String)
        let late = try await Self.succeed(["eval", "run:" + run, "--data", "late.csv"], in: directory)
        #expect(late["metrics"] as? [String: Double] == trained["metrics"] as? [String: Double])
        let shown = try await Self.succeed(["runs", "show", run], in: directory)
        let params = try #require(shown["params"] as? [String: String])
        #expect(params["split"] == "time:time" && params["datetime"] == "time")

        // A validation file: trained on every row of the other file, measured on all of this one.
        let validated = try await Self.succeed(
            ["train", "--data", "early.csv", "--target", "Demand", "--validation", "late.csv"], in: directory)
        #expect(validated["train_rows"] as? Int == 13_140 && validated["test_rows"] as? Int == 4_380)
        let validatedRun = try #require(validated["run_id"] as? String)
        let measured = try await Self.succeed(["eval", "run:" + validatedRun, "--data", "late.csv"], in: directory)
        #expect(measured["metrics"] as? [String: Double] == validated["metrics"] as? [String: Double])
        let record = try await Self.succeed(["runs", "show", validatedRun], in: directory)
        #expect(
            (record["inputs"] as? [[String: Any]])?.compactMap { $0["path"] as? String } == ["early.csv", "late.csv"])
        #expect((record["params"] as? [String: String])?["validation"] == "late.csv")

        let both = await CLIRunner.run(
            [
                "train", "--data", "early.csv", "--target", "Demand", "--validation", "late.csv", "--test-fraction",
                "0.1",
            ],
            in: directory.path)
        #expect(both.exitCode == 64 && both.standardError.contains("--validation"), "\(both.standardError)")
        let badSplit = await CLIRunner.run(
            ["train", "--data", "elecdemand.csv", "--target", "Demand", "--split", "time:Temperature,"],
            in: directory.path)
        #expect(badSplit.exitCode != 0 && badSplit.standardError.contains("Temperature,"), "\(badSplit.standardError)")

        // A column with a label per row that is no date is still named, with the fix.
        try Fixtures.write(
            "id,x,y\n" + (0..<200).map { "order-\($0),\($0 % 7),\($0 % 5)" }.joined(separator: "\n") + "\n",
            to: directory.url("ids.csv"))
        let warned = try await Self.succeed(["train", "--data", "ids.csv", "--target", "y"], in: directory)
        let warning = try #require((warned["warnings"] as? [String])?.first)
        #expect(warning.contains("'id'") && warning.contains("--feature"), "\(warning)")
    }

    @Test func theModelTakesTheTimestampInPredictAndServe() async throws {
        let directory = try await Self.electricity()
        let trained = try await Self.succeed(
            [
                "train", "--data", "data/train.csv", "--target", "Demand", "--split", "time:time", "--calendar",
                "hour,day_of_week,weekend,day_of_year",
            ],
            in: directory)
        let run = try #require(trained["run_id"] as? String)
        _ = try await Self.succeed(["model", "register", "run:" + run, "--name", "demand"], in: directory)
        let shown = try await Self.succeed(["model", "show", "demand@1"], in: directory)
        let signature = try #require(shown["signature"] as? [String: Any])
        let datetimes = try #require(signature["datetimes"] as? [[String: Any]])
        #expect(datetimes.first?["name"] as? String == "time")
        #expect(datetimes.first?["parts"] as? [String] == ["hour", "day_of_week", "weekend", "day_of_year"])

        // December as a client has it: the raw timestamp, no calendar columns.
        let predicted = await CLIRunner.run(
            ["predict", "demand@1", "--data", "data/december.csv", "--output", "december-predictions.csv"],
            in: directory.path)
        #expect(predicted.exitCode == 0, "\(predicted.standardError)")
        let evaluated = try await Self.succeed(["eval", "demand@1", "--data", "data/december.csv"], in: directory)
        let r2 = try #require((evaluated["metrics"] as? [String: Double])?["r2"])
        #expect(r2 > 0.7, "R² \(r2) on December")

        let onnx = await CLIRunner.run(
            ["export", "demand@1", "--format", "onnx", "--output", "demand.onnx"], in: directory.path)
        #expect(onnx.exitCode == 65 && onnx.standardError.contains("datetime column 'time'"), "\(onnx.standardError)")

        try #require(
            FileManager.default.isExecutableFile(atPath: Fixtures.python),
            "run scripts/bootstrap to install tritonclient")
        let server = try RunningServer(["demand@1"], in: directory.path)
        defer { _ = server.stop() }
        let checked = try Fixtures.runChecker(
            "check_triton.py",
            [
                String(server.url.dropFirst("http://".count)), "demand", directory.url("data/december.csv"),
                directory.url("december-predictions.csv"),
            ])
        #expect(checked.exitCode == 0, "\(checked.standardOutput)\(checked.standardError)")
        let row: [String: Any] = [
            "time": "2014-12-01T00:00", "WorkDay": 1, "Temperature": 28.0, "demand_yesterday": 3.92658383,
            "demand_last_week": 3.85031081, "demand_mean_yesterday": 4.035418,
        ]
        let first = try Fixtures.read(directory.url("december-predictions.csv")).split(separator: "\n")[1]
        let answer = try await server.request("POST", "/invocations", json: ["dataframe_records": [row]])
        // Foundation's JSON reader may miss the last bit of a 17-digit number.
        let served = try #require((try answer.json()["predictions"] as? [Double])?.first)
        #expect(abs(served - (Double(first) ?? .nan)) < 1e-12, "\(answer.text)")
        var wrong = row
        wrong["time"] = "01/12/2014 00:00"
        let refused = try await server.request("POST", "/invocations", json: ["dataframe_records": [wrong]])
        #expect(refused.status == 400 && refused.text.contains("ISO 8601"), "\(refused.text)")

        // Monitoring reads what the server logged: the calendar features the model computed from the timestamps.
        _ = server.stop()
        let drift = await CLIRunner.run(
            ["monitor", "drift", "demand@1", "--since", "1h", "--json"], in: directory.path)
        #expect([0, 4].contains(drift.exitCode), "\(drift.standardError)")
        let report = try #require(try drift.json() as? [String: Any])
        let monitored = (report["features"] as? [[String: Any]])?.compactMap { $0["column"] as? String } ?? []
        #expect(monitored.contains("time.hour") && !monitored.contains("time"), "\(monitored)")
        #expect((report["current_rows"] as? Int ?? 0) >= 1488, "\(report["current_rows"] ?? "none")")
    }

    @Test func formattedDatetimesKeepTheirTextAndNumbersServeAsFiles() async throws {
        let directory = try await Self.electricity(features: false)
        // Day-first dates with leading zeros (01012014), and the same days as numbers (20140101).
        var lines = ["day,stamp,Temperature,Demand"]
        for (index, line) in try Fixtures.read(directory.url("elecdemand.csv")).split(separator: "\n").dropFirst()
            .enumerated() where index % 12 == 0
        {
            let fields = line.split(separator: ",")
            let date = fields[0].prefix(10).split(separator: "-")
            lines.append("\(date[2])\(date[1])\(date[0]),\(date[0])\(date[1])\(date[2]),\(fields[3]),\(fields[1])")
        }
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: directory.url("days.csv"))
        _ = try await Self.succeed(
            [
                "train", "--data", "days.csv", "--target", "Demand", "--datetime", "day", "--datetime-format", "%d%m%Y",
                "--feature", "day", "--feature", "Temperature", "--calendar", "day_of_week,day_of_year",
            ],
            in: directory)
        let numbers = try await Self.succeed(
            [
                "train", "--data", "days.csv", "--target", "Demand", "--datetime", "stamp", "--datetime-format",
                "%Y%m%d",
                "--feature", "stamp", "--feature", "Temperature", "--calendar", "day_of_week,day_of_year",
                "--split", "time:stamp",
            ],
            in: directory)
        _ = try await Self.succeed(
            ["model", "register", "run:" + (try #require(numbers["run_id"] as? String)), "--name", "days"],
            in: directory)
        #expect(
            await CLIRunner.run(
                ["predict", "days@1", "--data", "days.csv", "--output", "days-predictions.csv"], in: directory.path
            ).exitCode == 0)
        let first = try Fixtures.read(directory.url("days-predictions.csv")).split(separator: "\n")[1]
        let server = try RunningServer(["days@1"], in: directory.path)
        defer { _ = server.stop() }
        let answer = try await server.request(
            "POST", "/invocations",
            json: ["dataframe_split": ["columns": ["stamp", "Temperature"], "data": [[20_140_101, 18.2]]]])
        let served = try #require((try answer.json()["predictions"] as? [Double])?.first)
        #expect(abs(served - (Double(first) ?? .nan)) < 1e-12, "\(answer.text) vs \(first)")

        // A validation file that lacks a column is refused before a run is recorded.
        let before = try #require(
            try await CLIRunner.run(["runs", "list", "--json"], in: directory.path).json() as? [Any])
        try Fixtures.write("stamp,Demand\n20141201,4.1\n", to: directory.url("short.csv"))
        let refused = await CLIRunner.run(
            [
                "train", "--data", "days.csv", "--target", "Demand", "--datetime", "stamp", "--datetime-format",
                "%Y%m%d",
                "--validation", "short.csv",
            ],
            in: directory.path)
        #expect(refused.exitCode == 8 && refused.standardError.contains("Temperature"), "\(refused.standardError)")
        let after = try #require(
            try await CLIRunner.run(["runs", "list", "--json"], in: directory.path).json() as? [Any])
        #expect(after.count == before.count)
    }

    /// Spearman's rank correlation of two samples without ties.
    private static func spearman(_ first: [Double], _ second: [Double]) -> Double {
        func ranks(_ values: [Double]) -> [Double] {
            var ranks = [Double](repeating: 0, count: values.count)
            for (rank, index) in values.indices.sorted(by: { values[$0] < values[$1] }).enumerated() {
                ranks[index] = Double(rank)
            }
            return ranks
        }
        let (a, b) = (ranks(first), ranks(second))
        let n = Double(first.count)
        return 1 - 6 * zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / (n * (n * n - 1))
    }

    @Test func timeSeriesFoldsRankConfigurationsLikeTheFollowingMonth() async throws {
        let directory = try await Self.electricity()
        let grid = ["--grid", "max_leaves=4,16,64,255", "--grid", "learning_rate=0.05,0.2"]
        let common = ["tune", "--data", "data/train.csv", "--target", "Demand", "--test-fraction", "0", "--folds", "3"]
        var scores: [String: [String: Double]] = [:]
        for (name, cv) in [("kfold", [String]()), ("time", ["--cv", "time:time", "--gap", "48"])] {
            let tuned = try await Self.succeed(common + cv + grid, in: directory)
            for trial in try #require(tuned["trials"] as? [[String: Any]]) {
                let params = try #require(trial["params"] as? [String: String])
                let key = params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                scores[key, default: [:]][name] = trial["score"] as? Double
            }
        }
        #expect(scores.count == 8)
        // Each configuration trained on January–November and measured on December.
        for key in scores.keys {
            let params = key.split(separator: " ").flatMap { ["--param", String($0)] }
            let trained = try await Self.succeed(
                ["train", "--data", "data/train.csv", "--target", "Demand", "--test-fraction", "0"] + params,
                in: directory)
            let run = try #require(trained["run_id"] as? String)
            let december = try await Self.succeed(["eval", "run:" + run, "--data", "data/december.csv"], in: directory)
            scores[key]?["december"] = (december["metrics"] as? [String: Double])?["rmse"]
        }
        let keys = scores.keys.sorted()
        func column(_ name: String) throws -> [Double] { try keys.map { try #require(scores[$0]?[name]) } }
        let december = try column("december")
        let kfold = Self.spearman(try column("kfold"), december)
        let time = Self.spearman(try column("time"), december)
        #expect(time > kfold, "time-series CV ρ = \(time), random k-fold ρ = \(kfold): \(scores)")
        #expect(time > 0.5, "time-series CV ρ = \(time): \(scores)")
        // Random folds leak neighbouring half hours: they promise far less error than December shows.
        #expect(try column("kfold").max() ?? 1 < december.min() ?? 0, "\(scores)")
    }

    @Test func theExamplePipelineRunsAndRegistersDecembersMetrics() async throws {
        let directory = try await Self.electricity(features: false)
        let reproduced = await CLIRunner.run(["repro"], in: directory.path)
        #expect(reproduced.exitCode == 0, "\(reproduced.standardOutput)\(reproduced.standardError)")
        let evaluation = try #require(
            try JSONSerialization.jsonObject(with: Data(Fixtures.read(directory.url("evaluation.json")).utf8))
                as? [String: Any])
        #expect(evaluation["passed"] as? Bool == true)
        let tune = try #require(
            try JSONSerialization.jsonObject(with: Data(Fixtures.read(directory.url("tune.json")).utf8))
                as? [String: Any])
        let tuneRun = try await Self.succeed(["runs", "show", try #require(tune["run_id"] as? String)], in: directory)
        let params = try #require(tuneRun["params"] as? [String: String])
        #expect(params["cv"] == "time:time" && params["split"] == "time:time" && params["gap"] == "48", "\(params)")
        let version = try await Self.succeed(["model", "show", "electricity@1"], in: directory)
        let source = try #require(version["metrics_from"] as? [String: Any])
        #expect(source["run_id"] as? String == evaluation["run_id"] as? String)
        #expect(version["metrics"] as? [String: Double] == evaluation["metrics"] as? [String: Double])
        let again = await CLIRunner.run(["repro"], in: directory.path)
        #expect(again.exitCode == 0 && !again.standardOutput.contains("ran "), "\(again.standardOutput)")
    }
}
