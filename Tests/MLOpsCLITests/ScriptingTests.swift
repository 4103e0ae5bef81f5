import Foundation
import MLOpsCore
import MLOpsTestSupport
import Testing

/// What CI scripts, git hooks and pipeline stages rely on when they call mlops.
@Suite struct ScriptingTests {
    /// Every failure under `--json` is the JSON error document, usage errors included; the exit-status table is
    /// available as JSON.
    @Test func failuresUnderJSONAreJSONDocuments() async throws {
        struct Failure: Decodable {
            struct Detail: Decodable {
                var code: String
                var message: String
                var exitCode: Int

                enum CodingKeys: String, CodingKey {
                    case code, message
                    case exitCode = "exit_code"
                }
            }
            var error: Detail
        }
        for arguments in [["runs", "list", "--no-such-option", "--json"], ["--json", "no-such-command"]] {
            let result = await CLIRunner.run(arguments, in: "/")
            #expect(result.exitCode == 64, "\(arguments)")
            let failure = try result.decode(Failure.self)
            #expect(failure.error.code == "usage" && failure.error.exitCode == 64, "\(arguments)")
            #expect(!failure.error.message.isEmpty && result.standardError.contains(failure.error.message))
        }
        // After `--` the words belong to the command `mlops run` runs: its `--json` is not mlops's.
        let plain = await CLIRunner.run(["run", "--no-such-option", "--", "echo", "--json"], in: "/")
        #expect(plain.exitCode == 64 && plain.standardOutput.isEmpty)

        struct Status: Decodable {
            var code: Int
            var name: String
        }
        let table = try await CLIRunner.run(["help", "exit-codes", "--json"], in: "/").decode([Status].self)
        #expect(table.contains { $0.code == 64 && $0.name == "usage" } && table.count > 10)
    }

    /// Hooks installed by an mlops run by name from `PATH` call that executable, not the working directory
    /// joined with its name.
    @Test func hooksCallTheExecutableThatInstalledThem() async throws {
        let directory = try await Fixtures.experimentRepository()
        let binary = URL(fileURLWithPath: CLIRunner.executable).resolvingSymlinksInPath().path
        let installed = try CLIRunner.execute(
            program: "/usr/bin/env",
            ["PATH=\((binary as NSString).deletingLastPathComponent):/usr/bin:/bin", "mlops", "hooks", "install"],
            in: directory.path)
        #expect(installed.exitCode == 0, "\(installed.standardError)")
        let hook = try Fixtures.read(directory.url(".git/hooks/post-checkout"))
        #expect(hook.contains("mlops='\(binary)'"), "\(hook)")
        #expect(!hook.contains(directory.path + "/mlops"))
    }

    /// A stage that calls `mlops` runs the binary that runs `repro`, found first on its `PATH` and as `$MLOPS`,
    /// even when no mlops is on the `PATH` repro was started with.
    @Test func stagesCallTheMlopsThatRunsThem() async throws {
        let directory = try await Fixtures.experimentRepository()
        try Fixtures.write(
            "stages:\n  version:\n    cmd: mlops --version > version.txt && \"$MLOPS\" --version > via-env.txt\n"
                + "    outs: [version.txt, via-env.txt]\n",
            to: directory.url("mlops.yaml"))
        let result = try CLIRunner.execute(["repro"], in: directory.path, environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.exitCode == 0, "\(result.standardError)")
        let expected = try CLIRunner.execute(["--version"], in: directory.path).standardOutput
        #expect(!expected.isEmpty)
        #expect(try Fixtures.read(directory.url("version.txt")) == expected)
        #expect(try Fixtures.read(directory.url("via-env.txt")) == expected)
    }

    /// `export` of an alias says which version it wrote.
    /// The version lives in ToolVersion alone: `--version` prints it with the commit of a build made in git, and
    /// the CHANGELOG's latest release is that version.
    @Test func versionNamesTheReleaseAndItsCommit() async throws {
        let printed = try CLIRunner.execute(["--version"], in: Fixtures.projectRoot)
        #expect(printed.exitCode == 0)
        #expect(printed.standardOutput.hasPrefix(ToolVersion.current + " (commit "), "\(printed.standardOutput)")
        let commit = try #require(ToolVersion.commit, "built in a git checkout")
        #expect(commit.prefix(40).allSatisfy(\.isHexDigit) && commit.count >= 40, "\(commit)")
        let changelog = try Fixtures.read(Fixtures.projectRoot + "/CHANGELOG.md")
        let release = changelog.split(separator: "\n").first { $0.hasPrefix("## ") && $0 != "## Unreleased" }
        #expect(release?.hasPrefix("## \(ToolVersion.current) ") == true, "\(release ?? "no release heading")")
    }

    @Test func exportNamesTheVersionAnAliasResolvedTo() async throws {
        let directory = try await Fixtures.registry([["--param", "rounds=5"]], production: 1).directory
        let bundle = await CLIRunner.run(["export", "mpg@production", "--output", "m.tar.gz"], in: directory.path)
        #expect(bundle.standardOutput.hasPrefix("Wrote mpg@production (mpg@1) to m.tar.gz"), "\(bundle.standardOutput)")
        let onnx = await CLIRunner.run(
            ["export", "mpg@latest", "--format", "onnx", "--output", "m.onnx", "--json"], in: directory.path)
        #expect((try onnx.json() as? [String: Any])?["model"] as? String == "mpg@1", "\(onnx.standardError)")
    }
}
