import Foundation
import MLOpsTestSupport
import Testing

/// Bad input gets a message that names the file or value and the fix, with a documented exit status, and
/// never Swift or Foundation internals. Each case here printed a decoder's dump, crashed, or was accepted
/// before.
@Suite struct ClearErrorTests {
    private static let internals = [
        "DecodingError", "NSCocoaErrorDomain", "CodingKeys", "Swift.", "Error Domain=", "YamlError",
    ]

    private func repository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: directory.path)
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        return directory
    }

    private func expectClear(_ result: CLIResult, exit: Int32, mentioning text: String, _ what: String) {
        #expect(result.exitCode == exit, "\(what): exit \(result.exitCode): \(result.standardError)")
        #expect(result.standardError.contains(text), "\(what): \(result.standardError)")
        for leak in Self.internals { #expect(!result.standardError.contains(leak), "\(what): \(result.standardError)") }
    }

    @Test func globalOptionsWorkBeforeTheSubcommand() async throws {
        let directory = try await repository()
        let elsewhere = try TemporaryDirectory()
        let status = await CLIRunner.run(["-C", directory.path, "--json", "status"], in: elsewhere.path)
        #expect(status.exitCode == 0, "\(status.standardError)")
        #expect((try status.json() as? [String: Any]) != nil)
        let nested = await CLIRunner.run(["-q", "-C", directory.path, "remote", "list"], in: elsewhere.path)
        #expect(nested.exitCode == 0, "\(nested.standardError)")
    }

    @Test func malformedFilesAreNamedWithoutInternals() async throws {
        let directory = try await repository()
        try Fixtures.write("stages: [\n", to: directory.url("mlops.yaml"))
        expectClear(
            await CLIRunner.run(["repro"], in: directory.path), exit: 65, mentioning: "mlops.yaml' is not valid YAML",
            "broken pipeline")

        try Fixtures.write("stages:\n  a:\n    cmd: echo\n    outs: [x]\n", to: directory.url("mlops.yaml"))
        try Fixtures.write("schema: 1\nstages:\n  a: 5\n", to: directory.url("mlops.lock"))
        expectClear(
            await CLIRunner.run(["repro"], in: directory.path), exit: 65,
            mentioning: "field 'stages.a' should be a mapping", "lock")

        try Fixtures.write("data: [1]\ntarget: y\n", to: directory.url("train.yaml"))
        expectClear(
            await CLIRunner.run(["train", "--config", "train.yaml"], in: directory.path), exit: 65,
            mentioning: "field 'data' should be a single value", "training configuration")
        try Fixtures.write("data: auto.csv\ntarget: y\ntest_fration: 0.5\n", to: directory.url("train.yaml"))
        expectClear(
            await CLIRunner.run(["train", "--config", "train.yaml"], in: directory.path), exit: 65,
            mentioning: "has an unknown key 'test_fration'", "misspelt training configuration key")

        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: URL(fileURLWithPath: directory.url("data.csv.mlops")))
        expectClear(
            await CLIRunner.run(["status"], in: directory.path), exit: 65, mentioning: "is not a text file",
            "binary pointer")
        try FileManager.default.removeItem(atPath: directory.url("data.csv.mlops"))

        try Fixtures.write(
            "oid: sha256:\(String(repeating: "a", count: 64))\nsize: -5\nkind: file\n", to: directory.url("neg.mlops"))
        expectClear(
            await CLIRunner.run(["status"], in: directory.path), exit: 65, mentioning: "impossible size",
            "negative size")
    }

    @Test func remotesAreValidatedBeforeTheyAreSaved() async throws {
        let directory = try await repository()
        let config = try Fixtures.read(directory.url(".mlops/config.yaml"))
        for (arguments, problem) in [
            (["", "--force"], "the URL is empty"),
            (["s3://"], "names no valid bucket"),
            (["s3://Upper_Case/x"], "names no valid bucket"),
            (["ftp://host/x"], "not a supported remote"),
            (["s3://bucket", "--endpoint-url", "ftp://host:21"], "not an http:// or https:// URL"),
            (["s3://bucket", "--endpoint-url", "http://key:secret@127.0.0.1:9000"], "holds credentials"),
        ] {
            expectClear(
                await CLIRunner.run(["remote", "add", "storage"] + arguments, in: directory.path), exit: 64,
                mentioning: problem,
                "remote add \(arguments)")
        }
        #expect(
            try Fixtures.read(directory.url(".mlops/config.yaml")) == config, "a refused remote changed config.yaml")

        try Fixtures.write(
            "format: 1\ncore:\n  link: copy\nremotes:\n  r:\n    url: \"\"\n", to: directory.url(".mlops/config.yaml"))
        expectClear(
            await CLIRunner.run(["status"], in: directory.path), exit: 65, mentioning: "remote 'r': the URL is empty",
            "hand-edited")
        try Fixtures.write("format: 0\ncore:\n  link: copy\n", to: directory.url(".mlops/config.yaml"))
        expectClear(
            await CLIRunner.run(["status"], in: directory.path), exit: 65, mentioning: "format 0 does not exist",
            "format 0")
        try Fixtures.write("format: 7\ncore:\n  link: copy\n", to: directory.url(".mlops/config.yaml"))
        expectClear(
            await CLIRunner.run(["status"], in: directory.path), exit: 10, mentioning: "newer than this mlops",
            "format 7")
    }

    @Test func aLockTimeoutThatIsNotANumberIsRefused() async throws {
        let directory = try await repository()
        try Fixtures.write("x\n", to: directory.url("x.txt"))
        let result = try CLIRunner.execute(
            ["add", "x.txt"], in: directory.path, environment: ["MLOPS_LOCK_TIMEOUT": "soon"])
        expectClear(result, exit: 64, mentioning: "MLOPS_LOCK_TIMEOUT is 'soon'", "lock timeout")
        #expect(!FileManager.default.fileExists(atPath: directory.url("x.txt.mlops")))
    }

    @Test func outputsCannotReplaceTheRepositoryOrTheInputAndEndlessInputsEnd() async throws {
        let directory = try await Fixtures.experimentRepository()
        let run = try await Fixtures.trainedRun(["--param", "rounds=3"], in: directory)
        for output in [".mlops/mlops.db", ".git/HEAD", "auto-mpg.csv"] {
            expectClear(
                await CLIRunner.run(
                    ["predict", "run:" + run, "--data", "auto-mpg.csv", "--output", output], in: directory.path),
                exit: 65, mentioning: output.hasPrefix(".") ? "which a repository needs" : "is the file being read",
                output)
        }
        let runs = await CLIRunner.run(["runs", "list", "--json"], in: directory.path)
        #expect(
            runs.exitCode == 0 && runs.standardOutput.contains(run), "the database was damaged: \(runs.standardError)")
        expectClear(
            await CLIRunner.run(
                ["export", "run:" + run, "--format", "onnx", "--output", ".mlops/model.onnx"], in: directory.path),
            exit: 65, mentioning: "which a repository needs", "export into .mlops")
        expectClear(
            await CLIRunner.run(["predict", "run:" + run, "--data", "/dev/zero"], in: directory.path),
            exit: 65, mentioning: "longer than 64 MiB", "endless input")
        expectClear(
            await CLIRunner.run(["serve", "mpg@1", "--max-body", "8796093022208"], in: directory.path),
            exit: 64, mentioning: "--max-body must be between", "overflowing --max-body")
    }

    @Test func anEvaluationThatOverflowsLeavesNoRunningRun() async throws {
        let directory = try await Fixtures.experimentRepository()
        let run = try await Fixtures.trainedRun(["--model", "linear", "--feature", "weight"], in: directory)
        try Fixtures.write("weight,mpg\n1e300,20\n-1e300,30\n", to: directory.url("extreme.csv"))
        expectClear(
            await CLIRunner.run(["eval", "run:" + run, "--data", "extreme.csv"], in: directory.path), exit: 65,
            mentioning: "its predictions overflow", "overflowing eval")
        let running = await CLIRunner.run(["runs", "list", "--status", "running", "--json"], in: directory.path)
        #expect((try running.json() as? [Any])?.isEmpty == true, "\(running.standardOutput)")
    }
}
