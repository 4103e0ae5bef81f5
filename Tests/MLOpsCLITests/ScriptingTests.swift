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

    /// What bash offers at the cursor after `words` (the last is the word being completed), through the
    /// generated completion script calling the built `mlops` back, in `directory`.
    private func bashCompletions(_ words: [String], in directory: String) throws -> (offers: [String], errors: String) {
        let quoted = words.map { "'" + $0 + "'" }.joined(separator: " ")
        let script = """
            source '\(Fixtures.projectRoot)/completions/mlops.bash'
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            _mlops mlops "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let path =
            (CLIRunner.executable as NSString).deletingLastPathComponent + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try CLIRunner.execute(
            program: "/bin/bash", ["-c", script], in: directory, environment: ["PATH": path])
        return (
            result.standardOutput.split(separator: "\n").map(String.init).filter { !$0.isEmpty }, result.standardError
        )
    }

    /// Completion knows the repository's names: versions and aliases, run ids, stages and remotes, honouring -C,
    /// and offers nothing (silently) outside a repository.
    @Test func namesCompleteFromTheRepository() async throws {
        let (directory, runs) = try await Fixtures.registry(
            [["--param", "rounds=5"], ["--model", "linear"]], production: 1)
        let share = try TemporaryDirectory()
        #expect(await CLIRunner.run(["remote", "add", "storage", share.path], in: directory.path).exitCode == 0)
        try Fixtures.write(
            "stages:\n  prepare:\n    cmd: echo\n  prepare-more:\n    cmd: echo\n  train:\n    cmd: echo\n",
            to: directory.url("mlops.yaml"))

        #expect(
            try bashCompletions(["mlops", "predict", "mpg@"], in: directory.path).offers == [
                "mpg@1", "mpg@2", "mpg@latest", "mpg@production",
            ])
        #expect(
            try bashCompletions(["mlops", "model", "promote", "mpg@p"], in: directory.path).offers == ["mpg@production"]
        )
        #expect(try bashCompletions(["mlops", "push", "--remote", "st"], in: directory.path).offers == ["storage"])
        #expect(
            try bashCompletions(["mlops", "repro", "prep"], in: directory.path).offers == ["prepare", "prepare-more"])
        let run = runs[1]
        #expect(
            try bashCompletions(["mlops", "runs", "show", String(run.prefix(20))], in: directory.path).offers == [run])
        #expect(
            try bashCompletions(["mlops", "eval", "run:" + run.prefix(20)], in: directory.path).offers == ["run:" + run]
        )
        let elsewhere = try TemporaryDirectory()
        #expect(
            try bashCompletions(["mlops", "serve", "-C", directory.path, "mpg@l"], in: elsewhere.path).offers
                == ["mpg@latest"])
        let outside = try bashCompletions(["mlops", "predict", ""], in: elsewhere.path)
        #expect(outside.offers.isEmpty && outside.errors.isEmpty, "\(outside)")

        // The shell's call back, as bash makes it.
        let direct = try CLIRunner.execute(
            ["---completion", "predict", "--", "positional@0", "2", "4", "mlops", "predict", "mpg@"],
            in: directory.path)
        #expect(direct.standardOutput.split(separator: "\n").contains("mpg@production"), "\(direct)")
    }

    /// `export` of an alias says which version it wrote.
    @Test func exportNamesTheVersionAnAliasResolvedTo() async throws {
        let directory = try await Fixtures.registry([["--param", "rounds=5"]], production: 1).directory
        let bundle = await CLIRunner.run(["export", "mpg@production", "--output", "m.tar.gz"], in: directory.path)
        #expect(bundle.standardOutput.hasPrefix("Wrote mpg@production (mpg@1) to m.tar.gz"), "\(bundle.standardOutput)")
        let onnx = await CLIRunner.run(
            ["export", "mpg@latest", "--format", "onnx", "--output", "m.onnx", "--json"], in: directory.path)
        #expect((try onnx.json() as? [String: Any])?["model"] as? String == "mpg@1", "\(onnx.standardError)")
    }
}
