import Foundation
import MLOpsCore
import MLOpsTestSupport
import Testing

/// `mlops validate` and `mlops schema infer` end to end, and the same contract guarding `train` and pipeline
/// stages.
@Suite struct ValidationCommandTests {
    /// auto-mpg with `mpg` of row 3 (line 4) set to 99 and `origin` of row 5 (line 6) set to 7.
    private static func writeBroken(_ directory: TemporaryDirectory, to name: String) throws {
        var lines = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n").map(String.init)
        var third = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        third[0] = "99"
        lines[3] = third.joined(separator: ",")
        var fifth = lines[5].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fifth[7] = "7"
        lines[5] = fifth.joined(separator: ",")
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: directory.url(name))
    }

    private static func violations(_ result: CLIResult) throws -> [[String: Any]] {
        let report = try #require(try result.json() as? [String: Any], "\(result.standardError)")
        return try #require(report["violations"] as? [[String: Any]])
    }

    @Test func anInferredSchemaAcceptsItsDataAndListsEveryViolationOfBrokenData() async throws {
        let directory = try await Fixtures.experimentRepository()
        let inferred = await CLIRunner.run(
            ["schema", "infer", "auto-mpg.csv", "--output", "auto-mpg.schema.yaml"], in: directory.path)
        #expect(inferred.exitCode == 0, "\(inferred.standardError)")
        var schema = try Fixtures.read(directory.url("auto-mpg.schema.yaml"))
        #expect(schema.contains("mpg: {type: number, min: 9, max: 46.6, missing: 0}"))
        // A hand edit, as people make: origin is a label.
        schema = schema.replacingOccurrences(
            of: "origin: {type: integer, min: 1, max: 3, missing: 0}",
            with: "origin: {type: category, values: ['1', '2', '3']}")
        try Fixtures.write(schema, to: directory.url("auto-mpg.schema.yaml"))

        // The schema beside the data is the default contract.
        let valid = await CLIRunner.run(["validate", "auto-mpg.csv", "--json"], in: directory.path)
        #expect(valid.exitCode == 0, "\(valid.standardError)")
        #expect((try valid.json() as? [String: Any])?["valid"] as? Bool == true)

        try Self.writeBroken(directory, to: "next.csv")
        let broken = await CLIRunner.run(
            ["validate", "next.csv", "--schema", "auto-mpg.schema.yaml", "--json"], in: directory.path)
        #expect(broken.exitCode == 65)
        let found = try Self.violations(broken)
        #expect(found.count == 2)
        let mpg = try #require(found.first { $0["column"] as? String == "mpg" })
        #expect(mpg["check"] as? String == "above_max")
        let example = try #require((mpg["examples"] as? [[String: Any]])?.first)
        #expect(example["line"] as? Int == 4 && example["value"] as? String == "99" && example["row"] as? Int == 3)
        let origin = try #require(found.first { $0["column"] as? String == "origin" })
        #expect(origin["check"] as? String == "unknown_category")
        #expect((origin["examples"] as? [[String: Any]])?.first?["line"] as? Int == 6)

        let human = await CLIRunner.run(
            ["validate", "next.csv", "--schema", "auto-mpg.schema.yaml"], in: directory.path)
        #expect(human.exitCode == 65)
        #expect(human.standardOutput.contains("above_max") && human.standardOutput.contains("line 4: 99"))
        #expect(human.standardError.contains("2 violations"))

        // An edited schema is not replaced by accident, and no schema goes where the repository lives.
        let again = await CLIRunner.run(
            ["schema", "infer", "auto-mpg.csv", "--output", "auto-mpg.schema.yaml"], in: directory.path)
        #expect(again.exitCode == 9 && again.standardError.contains("--force"))
        #expect(try Fixtures.read(directory.url("auto-mpg.schema.yaml")) == schema)
        let intoGit = await CLIRunner.run(
            ["schema", "infer", "auto-mpg.csv", "--output", ".git/config", "--force"], in: directory.path)
        #expect(intoGit.exitCode == 65 && intoGit.standardError.contains(".git/"))
        #expect(try Fixtures.read(directory.url(".git/config")).contains("[core]"))
        let overData = await CLIRunner.run(
            ["schema", "infer", "auto-mpg.csv", "--output", "auto-mpg.csv", "--force"], in: directory.path)
        #expect(overData.exitCode == 65 && overData.standardError.contains("inferred from"))

        // A pipe would be read empty the second time: only files are tables.
        let pipe = await CLIRunner.run(
            ["validate", "/dev/null", "--schema", "auto-mpg.schema.yaml"], in: directory.path)
        #expect(pipe.exitCode == 65 && pipe.standardError.contains("not a regular file"), "\(pipe.standardError)")
        // Anchors and aliases could make a tiny schema take minutes to read.
        try Fixtures.write(
            "columns:\n  q: {type: category, values: [it's]}\n  a: {type: category, values: &l [x, y]}\n"
                + "  b: {type: category, values: *l}\n",
            to: directory.url("aliased.yaml"))
        let aliased = await CLIRunner.run(["validate", "auto-mpg.csv", "--schema", "aliased.yaml"], in: directory.path)
        #expect(
            aliased.exitCode == 65 && aliased.standardError.contains("anchor or alias '&l'"), "\(aliased.standardError)"
        )
    }

    @Test func idsBeyondWhatDoublesHoldAreUniqueAsWritten() async throws {
        let directory = try TemporaryDirectory()
        try Fixtures.write(
            "id,x\n1234567890123456789,1\n1234567890123456790,2\n1234567890123456790,3\n",
            to: directory.url("ids.csv"))
        try Fixtures.write("columns:\n  id: {type: integer, unique: true}\n", to: directory.url("ids.schema.yaml"))
        let result = await CLIRunner.run(["validate", "ids.csv", "--json"], in: directory.path)
        #expect(result.exitCode == 65)
        let found = try Self.violations(result)
        #expect(found.count == 1 && found.first?["count"] as? Int == 1, "\(found)")
        let example = try #require((found.first?["examples"] as? [[String: Any]])?.first)
        #expect(example["value"] as? String == "1234567890123456790" && example["line"] as? Int == 4)
    }

    @Test func aModelsContractComesFromItsSignatureAndProfile() async throws {
        let train = ["--categorical", "origin"] + MonitorTests.features.flatMap { ["--feature", $0] }
        let directory = try await Fixtures.registry([train], production: 1).directory
        let same = await CLIRunner.run(["validate", "auto-mpg.csv", "--model", "mpg@production"], in: directory.path)
        #expect(same.exitCode == 0, "\(same.standardOutput)\(same.standardError)")
        #expect(same.standardOutput.contains("mpg@1 (signature and profile)"))

        try Self.writeBroken(directory, to: "next.csv")
        let broken = await CLIRunner.run(
            ["validate", "next.csv", "--model", "mpg@production", "--json"], in: directory.path)
        #expect(broken.exitCode == 65)
        let found = try Self.violations(broken)
        // origin 7 is a label the model never saw; mpg is the target (its range comes from the training rows).
        #expect(Set(found.compactMap { $0["check"] as? String }) == ["unknown_category", "above_max"])

        // A wide tolerance lets the outlying target pass; the unseen label still does not.
        let tolerant = await CLIRunner.run(
            ["validate", "next.csv", "--model", "mpg@production", "--tolerance", "3", "--json"], in: directory.path)
        #expect(try Self.violations(tolerant).compactMap { $0["check"] as? String } == ["unknown_category"])

        let inferred = await CLIRunner.run(["schema", "infer", "--model", "mpg@1"], in: directory.path)
        #expect(inferred.exitCode == 0 && inferred.standardOutput.contains("origin: {type: category"))
    }

    @Test func trainRefusesDataThatBreaksTheSchemaBesideItAndRecordsNoRun() async throws {
        let directory = try await Fixtures.experimentRepository()
        try Fixtures.write(
            "columns:\n  mpg: {type: number, max: 40}\n  weight: {type: integer, min: 1500}\n",
            to: directory.url("auto-mpg.schema.yaml"))
        let refused = await CLIRunner.run(["train", "--data", "auto-mpg.csv", "--target", "mpg"], in: directory.path)
        #expect(refused.exitCode == 65)
        #expect(refused.standardError.contains("nothing was trained"))
        #expect(refused.standardError.contains("mpg: ") && refused.standardError.contains("above the maximum 40"))
        let runs = await CLIRunner.run(["runs", "list", "--json"], in: directory.path)
        #expect((try runs.json() as? [Any])?.isEmpty == true, "\(runs.standardOutput)")

        try Fixtures.write("columns:\n  mpg: {type: number, max: 50}\n", to: directory.url("loose.yaml"))
        let explicit = await CLIRunner.run(
            ["train", "--data", "auto-mpg.csv", "--target", "mpg", "--schema", "loose.yaml"], in: directory.path)
        #expect(explicit.exitCode == 0, "\(explicit.standardError)")
    }

    @Test func aStageDoesNotRunOnDataThatBreaksItsSchema() async throws {
        let directory = try await Fixtures.experimentRepository()
        try Fixtures.write(
            """
            stages:
              count:
                cmd: wc -l < auto-mpg.csv > count.txt
                deps: [{path: auto-mpg.csv, validate: auto-mpg.schema.yaml}]
                outs: [count.txt]
            """, to: directory.url("mlops.yaml"))
        try Fixtures.write("columns:\n  mpg: {type: number, max: 40}\n", to: directory.url("auto-mpg.schema.yaml"))
        let refused = await CLIRunner.run(["repro"], in: directory.path)
        #expect(refused.exitCode == 1)
        #expect(refused.standardError.contains("stage 'count' failed: it did not run"), "\(refused.standardError)")
        #expect(refused.standardError.contains("above the maximum 40"))
        #expect(!FileManager.default.fileExists(atPath: directory.url("count.txt")))

        // The schema is a dep: loosening it lets the stage run.
        try Fixtures.write("columns:\n  mpg: {type: number, max: 50}\n", to: directory.url("auto-mpg.schema.yaml"))
        let ran = await CLIRunner.run(["repro", "--json"], in: directory.path)
        #expect(ran.exitCode == 0, "\(ran.standardError)")
        #expect(FileManager.default.fileExists(atPath: directory.url("count.txt")))
        let lock = try Fixtures.read(directory.url("mlops.lock"))
        #expect(lock.contains("auto-mpg.schema.yaml"))
    }

    /// An MLflow scoring body of one auto-mpg row with `changes` applied.
    private static func mlflowBody(_ changes: [String: Any]) -> [String: Any] {
        var row: [String: Any] = [
            "cylinders": 8, "displacement": 307, "horsepower": 130, "weight": 3504, "acceleration": 12, "year": 70,
            "origin": "1",
        ]
        row.merge(changes) { $1 }
        return ["dataframe_records": [row]]
    }

    @Test func theServerRejectsOrFlagsRequestsThatBreakTheContract() async throws {
        let train = ["--categorical", "origin"] + MonitorTests.features.flatMap { ["--feature", $0] }
        let directory = try await Fixtures.registry([train], production: 1).directory

        let rejecting = try RunningServer(["mpg@production", "--validate", "reject"], in: directory.path)
        let fine = try await rejecting.request("POST", "/invocations", json: Self.mlflowBody([:]))
        #expect(fine.status == 200, "\(fine.text)")
        let tooHeavy = try await rejecting.request("POST", "/invocations", json: Self.mlflowBody(["weight": 90_000]))
        #expect(tooHeavy.status == 400)
        #expect(tooHeavy.text.contains("feature 'weight'") && tooHeavy.text.contains("above the maximum"))
        let unseen = try await rejecting.request("POST", "/invocations", json: Self.mlflowBody(["origin": "mars"]))
        #expect(unseen.status == 400 && unseen.text.contains("\\\"mars\\\" is not allowed"), "\(unseen.text)")
        _ = rejecting.stop()

        try Fixtures.write(
            "columns:\n  horsepower: {type: integer, max: 100}\n", to: directory.url("strict.schema.yaml"))
        let flagging = try RunningServer(
            ["mpg@production", "--validate", "flag", "--schema", "strict.schema.yaml"], in: directory.path)
        let flagged = try await flagging.request(
            "POST", "/invocations", json: Self.mlflowBody(["horsepower": 130.5]), headers: ["X-Request-ID": "flagged"])
        #expect(flagged.status == 200, "\(flagged.text)")
        let kept = try await flagging.request(
            "POST", "/invocations", json: Self.mlflowBody(["horsepower": 90]), headers: ["X-Request-ID": "kept"])
        #expect(kept.status == 200)
        let metrics = try await flagging.request("GET", "/metrics").text
        #expect(metrics.contains(#"feature="horsepower""#) && metrics.contains(#"check="above_max""#), "\(metrics)")
        #expect(metrics.contains(#"check="type""#))
        _ = flagging.stop()

        let log = try Repository.discover(from: directory.path).servingLog.records(model: "mpg")
        let violations = try #require(log.first { $0.requestID == "flagged" }?.violations)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(violations.utf8)) as? [[String: Any]])
        #expect(Set(parsed.compactMap { $0["check"] as? String }) == ["type", "above_max"])
        #expect(parsed.allSatisfy { $0["feature"] as? String == "horsepower" && $0["row"] as? Int == 0 })
        #expect(log.first { $0.requestID == "kept" }?.violations == nil)
    }
}
