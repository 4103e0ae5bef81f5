import Foundation
import MLOpsCore
import MLOpsTestSupport
import Testing

/// `mlops monitor compare` and `monitor check --challenger` over what a real server answered for two versions and
/// the labels posted back: the sides' metrics equal what the answers and labels give, too few labels is an answer,
/// and a significantly better challenger is promoted with the numbers in the registry's event.
@Suite struct ComparisonTests {
    private static func mlflowRow(_ row: [String: String]) -> [String: Any] {
        var record: [String: Any] = [:]
        for name in MonitorTests.features {
            record[name] = name == "origin" ? (row[name] ?? "") as Any : Double(row[name] ?? "") ?? NSNull()
        }
        return ["dataframe_records": [record]]
    }

    @Test func liveMetricsSignificanceAndPromotionOfTheBetterChallenger() async throws {
        let train = ["--categorical", "origin"] + MonitorTests.features.flatMap { ["--feature", $0] }
        let directory = try await Fixtures.registry([train, ["--model", "linear"] + train], production: 1).directory
        let lines = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let rows = lines.dropFirst().prefix(40).map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",").map(String.init)))
        }
        let server = try RunningServer(
            ["mpg@production", "--split", "mpg@production=50,mpg@2=50"], in: directory.path)
        // Labels are the answers shifted: by 2–2.6 for version 1, by 0.3–0.7 for version 2, so version 2 is
        // the better one by a wide margin, with spread enough for a t-test.
        var feedback: [[String: Any]] = []
        var errors: [Int: [Double]] = [1: [], 2: []]
        for (index, row) in rows.enumerated() {
            for version in [1, 2] {
                let answer = try await server.request(
                    "POST", "/invocations", json: Self.mlflowRow(row),
                    headers: ["X-Request-ID": "v\(version)-\(index)"])
                #expect(answer.status == 200, "\(answer.text)")
                let routed = try #require(answer.header("x-mlops-model-version"))
                let prediction = try #require((try answer.json()["predictions"] as? [Double])?.first)
                let served = routed == "mpg@1" ? 1 : 2
                let shift = served == 1 ? 2 + 0.1 * Double(index % 7) : 0.3 + 0.1 * Double(index % 5)
                feedback.append(["id": "v\(version)-\(index)", "label": prediction + shift])
                errors[served, default: []].append(shift)
            }
        }
        // Too few labels: an answer, not an error.
        let few = try await server.request("POST", "/feedback", json: ["feedback": Array(feedback.prefix(10))])
        #expect(few.status == 200, "\(few.text)")
        _ = server.stop()
        let undecided = await CLIRunner.run(
            ["monitor", "compare", "mpg@production", "mpg@2", "--since", "1h", "--json"], in: directory.path)
        #expect(undecided.exitCode == 0, "\(undecided.standardError)")
        let early = try #require(try undecided.json() as? [String: Any])
        #expect(early["verdict"] as? String == "not_enough_data")
        #expect((early["reason"] as? String)?.contains("min_labelled") == true)

        let restarted = try RunningServer(["mpg@production"], in: directory.path)
        let rest = try await restarted.request("POST", "/feedback", json: ["feedback": Array(feedback.dropFirst(10))])
        #expect(rest.status == 200, "\(rest.text)")
        _ = restarted.stop()

        let compared = await CLIRunner.run(
            ["monitor", "compare", "mpg@production", "mpg@2", "--since", "1h", "--json"], in: directory.path)
        #expect(compared.exitCode == 0, "\(compared.standardError)")
        let comparison = try #require(try compared.json() as? [String: Any])
        let champion = try #require(comparison["champion"] as? [String: Any])
        let challenger = try #require(comparison["challenger"] as? [String: Any])
        for (side, version) in [(champion, 1), (challenger, 2)] {
            let expected = try #require(errors[version])
            #expect(side["labelled_rows"] as? Int == expected.count && side["requests"] as? Int == expected.count)
            let mae = expected.reduce(0, +) / Double(expected.count)
            #expect(abs((side["value"] as? Double ?? .nan) - mae) < 1e-9, "\(side)")
            #expect((side["lower"] as? Double ?? .nan) < mae && (side["upper"] as? Double ?? .nan) > mae)
        }
        #expect(comparison["metric"] as? String == "mae" && comparison["verdict"] as? String == "better")
        let difference = try #require(comparison["difference"] as? [String: Any])
        #expect(difference["test"] as? String == "welch_t")
        #expect((difference["p_value"] as? Double ?? 1) < 1e-6 && (difference["value"] as? Double ?? 0) < -1)
        #expect((comparison["latency"] as? [String: Any])?["test"] as? String == "welch_t")

        let bootstrap = await CLIRunner.run(
            ["monitor", "compare", "mpg@production", "mpg@2", "--since", "1h", "--metric", "rmse", "--json"],
            in: directory.path)
        #expect(
            ((try bootstrap.json() as? [String: Any])?["difference"] as? [String: Any])?["test"] as? String
                == "bootstrap")
        let wrongMetric = await CLIRunner.run(
            ["monitor", "compare", "mpg@production", "mpg@2", "--since", "1h", "--metric", "accuracy"],
            in: directory.path)
        #expect(wrongMetric.exitCode == 64 && wrongMetric.standardError.contains("mae, mse, rmse"))

        let checked = await CLIRunner.run(
            [
                "monitor", "check", "mpg@production", "--since", "1h", "--challenger", "mpg@2", "--promote-if",
                "better", "--json",
            ], in: directory.path)
        let verdict = try #require(try checked.json() as? [String: Any], "\(checked.standardError)")
        let outcome = try #require(verdict["challenger"] as? [String: Any])
        #expect(outcome["promoted"] as? Bool == true, "\(outcome)")
        let repository = try Repository.discover(from: directory.path)
        #expect(try repository.registry.versionNumber(.alias(name: "mpg", alias: "production")) == 2)
        let shown = await CLIRunner.run(["model", "history", "mpg", "--json"], in: directory.path)
        #expect(shown.standardOutput.contains("monitor check (better)") && shown.standardOutput.contains("welch_t p"))
    }
}
