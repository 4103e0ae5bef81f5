import Foundation
import MLOpsTestSupport
import Testing

/// A pipeline cannot destroy what it did not make: outputs that would replace the repository, the pipeline,
/// tracked data or someone's files are refused before anything runs, and a failed stage gets its previous
/// outputs back. Each test here failed before the fix (the first deleted `.git`).
@Suite struct PipelineSafetyTests {
    private func repository(_ pipeline: String) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: directory.path)
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        try Fixtures.write(pipeline, to: directory.url("mlops.yaml"))
        return directory
    }

    /// A stage whose command is harmless: before the fix, `repro` itself removed the outputs.
    private static func stage(writing out: String) -> String {
        "stages:\n  s:\n    cmd: 'true'\n    outs: ['\(out)']\n"
    }

    /// Each output and the rule that refuses it, named by the words of its message.
    @Test(arguments: [
        (".git", "inside .git/"), (".git/HEAD", "inside .git/"), (".mlops", "inside .mlops/"),
        (".mlops/mlops.db", "inside .mlops/"), (".mlops/objects", "inside .mlops/"),
        ("mlops.yaml", "which would replace mlops.yaml"), ("mlops.lock", "which would replace mlops.lock"),
        ("params.yaml", "which would replace params.yaml"), ("../outside", "outside the repository"),
        ("/tmp", "outside the repository"), (".", "lists '.' as an output"),
        ("sub/../../outside", "outside the repository"), ("data.mlops", "lists 'data.mlops' as an output"),
    ])
    func outputsThatWouldDestroyTheRepositoryAreRefusedByEveryCommand(out: String, rule: String) async throws {
        let directory = try await repository(Self.stage(writing: out))
        try Fixtures.write("x: 1\n", to: directory.url("params.yaml"))
        for command in [["repro"], ["repro", "--dry-run"], ["repro", "--force"], ["dag"]] {
            let result = await CLIRunner.run(command, in: directory.path)
            #expect(result.exitCode == 65, "\(command) \(out): \(result.standardError)")
            #expect(result.standardError.contains("stage 's'"), "\(result.standardError)")
            #expect(result.standardError.contains(rule), "\(command) \(out): \(result.standardError)")
        }
        for kept in [".git/HEAD", ".mlops/mlops.db", ".mlops/config.yaml", "mlops.yaml", "params.yaml"] {
            #expect(FileManager.default.fileExists(atPath: directory.url(kept)), "\(out) removed \(kept)")
        }
    }

    @Test func aWorkingDirectoryOutsideTheRepositoryIsRefused() async throws {
        let directory = try await repository("stages:\n  s:\n    cmd: touch escaped\n    wdir: ..\n")
        let result = await CLIRunner.run(["repro"], in: directory.path)
        #expect(result.exitCode == 65)
        #expect(result.standardError.contains("`wdir` of stage 's' names '..', outside the repository"))
    }

    @Test func outputsOverlappingTrackedDataOrEachOtherAreRefused() async throws {
        let directory = try await repository("stages:\n  s:\n    cmd: mkdir -p data\n    outs: [data]\n")
        try FileManager.default.createDirectory(atPath: directory.url("data"), withIntermediateDirectories: true)
        try Fixtures.write("a,b\n1,2\n", to: directory.url("data/train.csv"))
        #expect(await CLIRunner.run(["add", "data/train.csv"], in: directory.path).exitCode == 0)
        let result = await CLIRunner.run(["repro"], in: directory.path)
        #expect(result.exitCode == 65)
        #expect(result.standardError.contains("overlaps tracked data 'data/train.csv'"))
        #expect(try Fixtures.read(directory.url("data/train.csv")) == "a,b\n1,2\n")
        #expect(FileManager.default.fileExists(atPath: directory.url("data/train.csv.mlops")))

        try Fixtures.write(
            "stages:\n  a:\n    cmd: mkdir -p out\n    outs: [out]\n  b:\n    cmd: touch out/b\n    outs: [out/b]\n",
            to: directory.url("mlops.yaml"))
        let nested = await CLIRunner.run(["dag"], in: directory.path)
        #expect(nested.exitCode == 65)
        #expect(nested.standardError.contains("stage 'a' writes 'out' and stage 'b' writes 'out/b', which overlap"))

        try Fixtures.write(
            "stages:\n  a:\n    cmd: cp in in\n    deps: [in]\n    outs: [in]\n", to: directory.url("mlops.yaml"))
        #expect(
            await CLIRunner.run(["repro"], in: directory.path).standardError.contains("both reads 'in' and writes 'in'")
        )
    }

    @Test func aFileTheCacheDoesNotHoldIsNeverReplaced() async throws {
        let directory = try await repository(
            "stages:\n  s:\n    cmd: echo generated > report.txt\n    outs: [report.txt]\n")
        try Fixtures.write("my notes\n", to: directory.url("report.txt"))
        let refused = await CLIRunner.run(["repro"], in: directory.path)
        #expect(refused.exitCode == 9)
        #expect(refused.standardError.contains("would replace 'report.txt', which the cache does not hold"))
        #expect(try Fixtures.read(directory.url("report.txt")) == "my notes\n")
        #expect(await CLIRunner.run(["repro", "--dry-run"], in: directory.path).exitCode == 9)

        // Once the cache holds it, the stage may replace it.
        #expect(await CLIRunner.run(["add", "report.txt"], in: directory.path).exitCode == 0)
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 0)
        #expect(try Fixtures.read(directory.url("report.txt")) == "generated\n")
    }

    @Test func aFailedStageGetsItsPreviousOutputsBack() async throws {
        let directory = try await repository(
            "stages:\n  s:\n    cmd: mkdir -p out; echo ${params.v} > out/v; echo ${params.v} > one.txt; test ${params.v} = 1\n"
                + "    outs: [out, one.txt]\n")
        try Fixtures.write("v: 1\n", to: directory.url("params.yaml"))
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 0)
        try Fixtures.write("v: 2\n", to: directory.url("params.yaml"))
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 1)
        #expect(try Fixtures.read(directory.url("out/v")) == "1\n")
        #expect(try Fixtures.read(directory.url("one.txt")) == "1\n")
        let aside = try FileManager.default.contentsOfDirectory(atPath: directory.url(".mlops/tmp"))
        #expect(aside.isEmpty, "left behind: \(aside)")
        // The outputs are back as recorded: no change and nothing missing (the stage itself is stale).
        let status = try #require(
            try await CLIRunner.run(["status", "--json"], in: directory.path).json() as? [String: Any])
        #expect((status["changes"] as? [Any])?.isEmpty == true, "\(status)")
        #expect((status["missing"] as? [Any])?.isEmpty == true, "\(status)")
    }

    @Test func aStageWithoutOutputsRunsAndIsRecorded() async throws {
        let directory = try await repository(
            "stages:\n  check:\n    cmd: echo checked >> checks.log\n    deps: [mlops.yaml]\n")
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 0)
        #expect(await CLIRunner.run(["repro"], in: directory.path).standardOutput.contains("up to date"))
        #expect(try Fixtures.read(directory.url("checks.log")) == "checked\n")
        #expect(try Fixtures.read(directory.url("mlops.lock")).contains("check"))
    }

    /// A value that is not a plain word is refused wherever its template stands (the forms below each ran the
    /// value as a command under a quoting scheme); `:raw` inserts it as it is.
    @Test(arguments: [
        "echo ${params.x}", "echo '${params.x}'", "echo \"${params.x}\"", "echo \"$(echo ${params.x})\"",
        "echo hi # don't\n  echo ${params.x}", "cat <<EOF\n  ${params.x}\n  EOF", "echo \"${UNSET:-\"${params.x}\"}\"",
    ])
    func parameterValuesCannotRunCommandsUnlessMarkedRaw(_ command: String) async throws {
        let directory = try await repository(
            "stages:\n  s:\n    cmd: |\n      \(command.replacingOccurrences(of: "\n  ", with: "\n      "))\n")
        try Fixtures.write(
            "x: \"a'; touch pwned1; echo '$(touch pwned2)`touch pwned3`\"\n", to: directory.url("params.yaml"))
        let refused = await CLIRunner.run(["repro"], in: directory.path)
        #expect(
            refused.exitCode == 65 && refused.standardError.contains("not read as one plain word"),
            "\(refused.standardError)")
        for file in ["pwned1", "pwned2", "pwned3"] {
            #expect(!FileManager.default.fileExists(atPath: directory.url(file)), "\(file)")
        }
    }

    @Test func plainParameterValuesAndRawTemplatesAreInserted() async throws {
        let directory = try await repository(
            "stages:\n  s:\n    cmd: printf '%s|' ${params.n} \"${params.path}\" ${params.flags:raw} > out.txt\n    outs: [out.txt]\n"
        )
        try Fixtures.write("n: -1.5e-3\npath: data/été.csv\nflags: \"-a -b\"\n", to: directory.url("params.yaml"))
        let result = await CLIRunner.run(["repro"], in: directory.path)
        #expect(result.exitCode == 0, "\(result.standardError)")
        #expect(try Fixtures.read(directory.url("out.txt")) == "-1.5e-3|data/été.csv|-a|-b|")
    }

    @Test func pathsThroughSymbolicLinksAreRefused() async throws {
        let directory = try await repository(
            "stages:\n  s:\n    cmd: echo evil > gitlink/evil.txt\n    outs: [gitlink/evil.txt]\n")
        let outside = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.url("gitlink"), withDestinationPath: ".git")
        try FileManager.default.createSymbolicLink(atPath: directory.url("outlink"), withDestinationPath: outside.path)
        let viaGit = await CLIRunner.run(["repro"], in: directory.path)
        #expect(
            viaGit.exitCode == 65 && viaGit.standardError.contains("through the symbolic link 'gitlink'"),
            "\(viaGit.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.url(".git/evil.txt")))

        try Fixtures.write(
            "stages:\n  s:\n    cmd: touch escaped\n    wdir: outlink\n", to: directory.url("mlops.yaml"))
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 65)
        #expect(!FileManager.default.fileExists(atPath: outside.url("escaped")))

        try Fixtures.write("secret\n", to: outside.url("victim.txt"))
        for path in ["gitlink/config", "outlink/victim.txt"] {
            let added = await CLIRunner.run(["add", path], in: directory.path)
            #expect(added.exitCode == 65, "add \(path): \(added.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: outside.url("victim.txt.mlops")))
        #expect(!FileManager.default.fileExists(atPath: directory.url(".git/config.mlops")))

        // mv follows the same rule, and a git directory inside data is refused rather than stored (a checkout
        // would write its hooks and config back).
        try Fixtures.write("q\n", to: directory.url("q.txt"))
        #expect(await CLIRunner.run(["add", "q.txt"], in: directory.path).exitCode == 0)
        for destination in ["outlink/q.txt", "gitlink/hooks/pre-commit"] {
            let moved = await CLIRunner.run(["mv", "q.txt", destination], in: directory.path)
            #expect(moved.exitCode == 65, "mv to \(destination): \(moved.standardError)")
        }
        #expect(FileManager.default.fileExists(atPath: directory.url("q.txt.mlops")))
        try FileManager.default.createDirectory(atPath: directory.url("nested/.git"), withIntermediateDirectories: true)
        try Fixtures.write("[core]\n", to: directory.url("nested/.git/config"))
        let nested = await CLIRunner.run(["add", "nested"], in: directory.path)
        #expect(
            nested.exitCode == 65 && nested.standardError.contains("git directory inside tracked data"),
            "\(nested.standardError)")

        // A parameters file that is a link could copy any file's values into the committed mlops.lock.
        try Fixtures.write("token: s3cr3t\n", to: outside.url("secret.yaml"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.url("p.yaml"), withDestinationPath: outside.url("secret.yaml"))
        try Fixtures.write(
            "stages:\n  s:\n    cmd: echo x\n    params: [{p.yaml: [token]}]\n", to: directory.url("mlops.yaml"))
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 65)
        #expect(!((try? Fixtures.read(directory.url("mlops.lock"))) ?? "").contains("s3cr3t"))
    }

    /// A stage that turns its output's parent into a link to elsewhere fails, and restoring after the failure
    /// deletes nothing through the link.
    @Test func restoringAfterAFailureNeverDeletesThroughALink() async throws {
        let outside = try TemporaryDirectory()
        try Fixtures.write("precious\n", to: outside.url("f"))
        let directory = try await repository(
            "stages:\n  s:\n    cmd: echo ran > ran.log; rm -rf d; ln -s '\(outside.path)' d\n    outs: [d/f]\n")
        try FileManager.default.createDirectory(atPath: directory.url("d"), withIntermediateDirectories: true)
        let result = await CLIRunner.run(["repro"], in: directory.path)
        #expect(FileManager.default.fileExists(atPath: directory.url("ran.log")), "the stage never ran")
        #expect(result.exitCode != 0)
        #expect(try Fixtures.read(outside.url("f")) == "precious\n")
    }

    @Test func parameterFilesStayInsideAndControlCharactersKeepTheLockReadable() async throws {
        let directory = try await repository(
            "stages:\n  s:\n    cmd: echo x\n    params: [{../secret.yaml: [token]}]\n")
        let outside = await CLIRunner.run(["repro"], in: directory.path)
        #expect(
            outside.exitCode == 65 && outside.standardError.contains("outside the repository"),
            "\(outside.standardError)")

        try FileManager.default.createDirectory(atPath: directory.url("sub"), withIntermediateDirectories: true)
        try Fixtures.write(
            "stages:\n  s:\n    cmd: echo ${params.x} > params.yaml\n    wdir: sub\n    outs: [params.yaml]\n",
            to: directory.url("mlops.yaml"))
        #expect(
            await CLIRunner.run(["dag"], in: directory.path).standardError.contains("would replace sub/params.yaml"))

        try Fixtures.write("v: \"a\\x07b\"\nz: \"p\\u0085q\"\n", to: directory.url("params.yaml"))
        try Fixtures.write(
            "stages:\n  s:\n    cmd: echo ${params.v:raw} ${params.z:raw} > o.txt\n    outs: [o.txt]\n",
            to: directory.url("mlops.yaml"))
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 0)
        let again = await CLIRunner.run(["repro"], in: directory.path)
        #expect(
            again.exitCode == 0 && again.standardOutput.contains("up to date"),
            "\(again.standardOutput) \(again.standardError)")
    }

    @Test func aStageWhoseMetricsCannotBeReadFailedAndRecordsNothing() async throws {
        let directory = try await repository(
            "stages:\n  s:\n    cmd: cat source.json > m.json\n    deps: [source.json]\n    outs: [m.json]\n    metrics: [m.json]\n"
        )
        try Fixtures.write(#"{"a": 5}"#, to: directory.url("source.json"))
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 0)
        let lock = try Fixtures.read(directory.url("mlops.lock"))
        try Fixtures.write(#"{"a": NaN}"#, to: directory.url("source.json"))
        let failed = await CLIRunner.run(["repro"], in: directory.path)
        #expect(failed.exitCode == 1, "\(failed.standardError)")
        #expect(try Fixtures.read(directory.url("mlops.lock")) == lock)
        #expect(try Fixtures.read(directory.url("m.json")) == #"{"a": 5}"#)
        let again = await CLIRunner.run(["repro", "--json"], in: directory.path)
        #expect(
            again.exitCode == 1 && !again.standardOutput.contains("restored"),
            "the failed result came back from the run cache")
    }
}
