import Foundation
import MLOpsTestSupport
import Testing

/// `repro` and `dag` on real repositories with shell stages. Each stage appends to `runs.log` (not an output),
/// so the tests can tell a stage that ran from one that was skipped or restored from the run cache.
@Suite struct PipelineTests {
    private static let pipeline = """
        stages:
          upper:
            cmd: echo upper >> runs.log; tr a-z A-Z < input.txt > upper.txt
            deps: [input.txt]
            outs: [upper.txt]
          count:
            cmd:
              - echo count >> runs.log
              - |
                wc -c < upper.txt | tr -d ' ' > count.txt
                printf '{"chars": %s, "scale": %s}\\n' "$(cat count.txt)" "${params.scale}" > metrics.json
            deps: [upper.txt]
            outs: [count.txt]
            metrics: [metrics.json]

        """

    private func repository(_ pipeline: String = pipeline) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: directory.path)
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        try Fixtures.write("hello world\n", to: directory.url("input.txt"))
        try Fixtures.write("scale: 3\n", to: directory.url("params.yaml"))
        try Fixtures.write(pipeline, to: directory.url("mlops.yaml"))
        return directory
    }

    private func repro(_ directory: TemporaryDirectory, _ arguments: [String] = []) async throws -> [String: String] {
        let result = await CLIRunner.run(["repro", "--json"] + arguments, in: directory.path)
        #expect(result.exitCode == 0, "\(result.standardError)")
        return Dictionary(
            uniqueKeysWithValues: try result.decode([Payload.StageOutcome].self).map { ($0.stage, $0.action) })
    }

    private func runs(_ directory: TemporaryDirectory) throws -> [String] {
        (try? Fixtures.read(directory.url("runs.log")))?.split(separator: "\n").map(String.init) ?? []
    }

    @Test func onlyWhatChangedRunsAndSameInputsComeFromTheRunCache() async throws {
        let directory = try await repository()
        #expect(try await repro(directory) == ["upper": "ran", "count": "ran"])
        #expect(try Fixtures.read(directory.url("count.txt")) == "12\n")
        #expect(FileManager.default.fileExists(atPath: directory.url("count.txt.mlops")))
        let lock = try Fixtures.read(directory.url("mlops.lock"))
        #expect(lock.contains("\"upper.txt\": \"sha256:"))

        let again = await CLIRunner.run(["repro"], in: directory.path)
        #expect(again.standardOutput.contains("Pipeline is up to date (2 stages); nothing to run."))
        #expect(try runs(directory) == ["upper", "count"])

        // A changed dependency re-runs its stage and what follows.
        try Fixtures.write("hello again\n", to: directory.url("input.txt"))
        #expect(try await repro(directory) == ["upper": "ran", "count": "ran"])
        // A changed parameter re-runs only the stage that reads it; `status` says so first.
        try Fixtures.write("scale: 4\n", to: directory.url("params.yaml"))
        let status = await CLIRunner.run(["status", "--exit-code"], in: directory.path)
        #expect(status.exitCode == 2)
        #expect(status.standardOutput.contains("stale:  count  parameter scale changed"))
        #expect(try await repro(directory) == ["upper": "unchanged", "count": "ran"])
        // A changed command re-runs its stage (and what depends on its outputs, if they change).
        let pipeline = try Fixtures.read(directory.url("mlops.yaml"))
        try Fixtures.write(
            pipeline.replacingOccurrences(of: "echo count >> runs.log", with: "echo count  >> runs.log"),
            to: directory.url("mlops.yaml"))
        let changedCommand = await CLIRunner.run(["repro"], in: directory.path)
        #expect(changedCommand.standardOutput.contains("command changed"))
        try Fixtures.write(pipeline, to: directory.url("mlops.yaml"))
        #expect(try await repro(directory) == ["upper": "unchanged", "count": "restored"])
        // A deleted or edited output is restored.
        try FileManager.default.removeItem(atPath: directory.url("count.txt"))
        #expect(try await repro(directory)["count"] == "restored")
        #expect(try Fixtures.read(directory.url("count.txt")) == "12\n")
        #expect(try runs(directory).count == 6)

        // Back to inputs seen before: outputs come from the run cache, nothing runs.
        try Fixtures.write("hello world\n", to: directory.url("input.txt"))
        try Fixtures.write("scale: 3\n", to: directory.url("params.yaml"))
        #expect(try await repro(directory) == ["upper": "restored", "count": "restored"])
        #expect(try runs(directory).count == 6)
        #expect(try Fixtures.read(directory.url("upper.txt")) == "HELLO WORLD\n")
        #expect(try await repro(directory, ["--force"]) == ["upper": "ran", "count": "ran"])
        #expect(await CLIRunner.run(["fsck"], in: directory.path).exitCode == 0)

        let stageRuns = try #require(
            try await CLIRunner.run(
                ["runs", "list", "--where", "kind = stage and name = stage-count", "--json"], in: directory.path
            )
            .json() as? [[String: Any]])
        #expect(stageRuns.first.flatMap { ($0["metrics"] as? [String: Double])?["chars"] } == 12)
    }

    @Test func runCacheRestoresAnOlderRevisionAfterGitCheckout() async throws {
        let directory = try await repository()
        try Fixtures.write("runs.log\n", to: directory.url(".gitignore"))
        _ = try await repro(directory)
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "v1"], in: directory.path)
        try Fixtures.write("second version\n", to: directory.url("input.txt"))
        _ = try await repro(directory)
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "v2"], in: directory.path)
        try Fixtures.git(["checkout", "-q", "HEAD~1"], in: directory.path)
        // The old lock and pointers are back; the workspace outputs are still v2's, so they are restored.
        #expect(try await repro(directory) == ["upper": "restored", "count": "restored"])
        #expect(try Fixtures.read(directory.url("upper.txt")) == "HELLO WORLD\n")
        #expect(try runs(directory).count == 4)
    }

    @Test func paramsAndMetricsCompareWithGitRevisions() async throws {
        let directory = try await repository()
        try Fixtures.write("runs.log\n", to: directory.url(".gitignore"))
        _ = try await repro(directory)
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "v1"], in: directory.path)
        try Fixtures.write("scale: 5\n", to: directory.url("params.yaml"))
        try Fixtures.write("hello, wider world\n", to: directory.url("input.txt"))
        let params = try #require(
            try await CLIRunner.run(["params", "diff", "--json"], in: directory.path).json() as? [[String: Any]])
        #expect(params.count == 1)
        #expect(params.first?["key"] as? String == "scale")
        #expect(params.first?["old"] as? String == "3" && params.first?["new"] as? String == "5")
        _ = try await repro(directory)
        // metrics.json is not an output here, so git does not hold it: HEAD has no metrics, the workspace does.
        let shown = try #require(
            try await CLIRunner.run(["metrics", "show", "--json"], in: directory.path).json()
                as? [String: [String: Double]])
        #expect(shown["metrics.json"]?["chars"] == 19)
        #expect(shown["metrics.json"]?["scale"] == 5)
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "v2"], in: directory.path)
        let diff = try #require(
            try await CLIRunner.run(["metrics", "diff", "HEAD~1", "--json"], in: directory.path).json()
                as? [[String: Any]])
        let chars = try #require(diff.first { $0["key"] as? String == "chars" })
        #expect(chars["new"] as? String == "19.0")
        let unknown = await CLIRunner.run(["params", "diff", "no-such-revision"], in: directory.path)
        #expect(unknown.exitCode == 8)
    }

    @Test func cyclesAndDuplicateOutputsAreNamed() async throws {
        let cycle = try await repository(
            "stages:\n  a:\n    cmd: cp y x\n    deps: [y]\n    outs: [x]\n  b:\n    cmd: cp x y\n    deps: [x]\n    outs: [y]\n"
        )
        let cycleResult = await CLIRunner.run(["repro"], in: cycle.path)
        #expect(cycleResult.exitCode == 65)
        #expect(
            cycleResult.standardError.contains("cycle: a → b → a")
                || cycleResult.standardError.contains("cycle: b → a → b"))
        let duplicate = try await repository(
            "stages:\n  a:\n    cmd: touch x\n    outs: [x]\n  b:\n    cmd: touch x\n    outs: [x]\n")
        let duplicateResult = await CLIRunner.run(["dag"], in: duplicate.path)
        #expect(duplicateResult.exitCode == 65)
        #expect(duplicateResult.standardError.contains("stages 'a' and 'b' both write 'x'"))
        let sharedMetrics = try await repository(
            "stages:\n  a:\n    cmd: touch m.json\n    metrics: [m.json]\n  b:\n    cmd: touch m.json\n"
                + "    metrics: [m.json]\n")
        let sharedResult = await CLIRunner.run(["repro"], in: sharedMetrics.path)
        #expect(sharedResult.exitCode == 65)
        #expect(sharedResult.standardError.contains("stages 'a' and 'b' both write the metrics file 'm.json'"))
        let unknownKey = try await repository("stages:\n  a:\n    command: touch x\n")
        #expect(await CLIRunner.run(["repro"], in: unknownKey.path).standardError.contains("unknown key 'command'"))
        // status still works with a broken pipeline, and reports it.
        let status = await CLIRunner.run(["status", "--exit-code"], in: unknownKey.path)
        #expect(status.exitCode == 2)
        #expect(status.standardOutput.contains("mlops.yaml") && status.standardOutput.contains("unknown key 'command'"))
    }

    @Test func aFailingStageChangesNothingAndKeepGoingRunsTheRest() async throws {
        let directory = try await repository(
            """
            stages:
              broken:
                cmd: echo partial > half.txt; echo 'something went wrong' >&2; exit 4
                outs: [half.txt]
              after:
                cmd: cp half.txt copy.txt
                deps: [half.txt]
                outs: [copy.txt]
              independent:
                cmd: echo ok > ok.txt
                outs: [ok.txt]

            """)
        let failed = await CLIRunner.run(["repro"], in: directory.path)
        #expect(failed.exitCode == 1)
        #expect(failed.standardOutput.contains("ran") && failed.standardOutput.contains("independent"))
        #expect(failed.standardError.contains("stage 'broken' failed: `echo partial > half.txt;"))
        #expect(failed.standardError.contains("something went wrong"))
        #expect(!FileManager.default.fileExists(atPath: directory.url("half.txt.mlops")))
        #expect(try !Fixtures.read(directory.url("mlops.lock")).contains("broken"))

        let going = await CLIRunner.run(["repro", "--keep-going", "--json"], in: directory.path)
        #expect(going.exitCode == 1)
        let outcomes = try #require(try going.json() as? [[String: Any]])
        let actions = Dictionary(
            uniqueKeysWithValues: outcomes.map { ($0["stage"] as? String ?? "", $0["action"] as? String ?? "") })
        #expect(actions == ["broken": "failed", "after": "blocked", "independent": "unchanged"])
        let lock = try Fixtures.read(directory.url("mlops.lock"))
        #expect(lock.contains("independent") && !lock.contains("broken"))
        let failedRuns = try #require(
            try await CLIRunner.run(["runs", "list", "--status", "failed", "--json"], in: directory.path).json()
                as? [Any])
        #expect(failedRuns.count == 2)
    }

    @Test func aFailedGateExitsThreeAndAFailedStageGetsItsOutputsBack() async throws {
        let directory = try await repository(
            """
            stages:
              train:
                cmd: >-
                  echo 'v${params.value}' > model.txt && echo '{"score": ${params.value}}' > metrics.json
                  && test ${params.value} -lt 5
                outs: [model.txt]
                metrics: [metrics.json]
              check:
                cmd: test ${params.value} -lt 2 || exit 3
                deps: [model.txt]
              audit:
                cmd: test ${params.value} -lt 5 || exit 3

            """)
        func setValue(_ value: Int) throws { try Fixtures.write("value: \(value)\n", to: directory.url("params.yaml")) }
        try setValue(1)
        let first = await CLIRunner.run(["repro"], in: directory.path)
        #expect(first.exitCode == 0, "\(first.standardError)")

        // A gate that fails is exit 3, and the stage's run ends failed_gate; the outputs it checked stay current.
        try setValue(2)
        let gate = await CLIRunner.run(["repro"], in: directory.path)
        #expect(gate.exitCode == 3, "\(gate.standardError)")
        #expect(gate.standardError.contains("stage 'check' failed") && gate.standardError.contains("quality gate"))
        let gateRuns = try #require(
            try await CLIRunner.run(["runs", "list", "--where", "status = failed_gate", "--json"], in: directory.path)
                .json() as? [[String: Any]])
        #expect(gateRuns.map { $0["name"] as? String } == ["stage-check"])
        #expect(try Fixtures.read(directory.url("model.txt")) == "v2\n")

        // A stage that crashes gets its previous outputs and metrics back; what it wrote is kept beside its log.
        // A crash outranks a failed gate in the exit status, with or without --keep-going.
        try setValue(5)
        #expect(await CLIRunner.run(["repro"], in: directory.path).exitCode == 1)
        let crash = await CLIRunner.run(["repro", "--keep-going", "--json"], in: directory.path)
        #expect(crash.exitCode == 1, "\(crash.standardError)")
        let outcomes = try #require(try crash.json() as? [[String: Any]])
        let train = try #require(outcomes.first { $0["stage"] as? String == "train" })
        let audit = try #require(outcomes.first { $0["stage"] as? String == "audit" })
        #expect(train["action"] as? String == "failed" && train["gate_failed"] == nil)
        #expect(audit["action"] as? String == "failed" && audit["gate_failed"] as? Bool == true)
        #expect(try Fixtures.read(directory.url("model.txt")) == "v2\n")
        #expect(try Fixtures.read(directory.url("metrics.json")) == "{\"score\": 2}\n")
        let kept = try #require(train["failed_outputs"] as? String)
        #expect(try Fixtures.read(kept + "/model.txt") == "v5\n")
        #expect(try Fixtures.read(kept + "/metrics.json") == "{\"score\": 5}\n")
        #expect(crash.standardError.contains(kept))
        let status = await CLIRunner.run(["status"], in: directory.path)
        #expect(status.exitCode == 0 && !status.standardOutput.contains("model.txt"), "\(status.standardOutput)")
        let shown = await CLIRunner.run(["metrics", "show", "--json"], in: directory.path)
        #expect(shown.standardOutput.contains("\"score\" : 2"), "\(shown.standardOutput)")
    }

    @Test func aFailedStageGetsItsOutputsBackWhateverItDidToTheirDirectories() async throws {
        let outside = try TemporaryDirectory()
        try Fixtures.write("{\"other\": 42}\n", to: outside.url("m.json"))
        try Fixtures.write("precious\n", to: outside.url("out.txt"))
        let directory = try await repository(
            """
            stages:
              s:
                cmd: sh step.sh ${params.mode}
                outs: [sub/out.txt]
                metrics: [res/m.json]

            """)
        try Fixtures.write(
            """
            case "$1" in
              good) mkdir -p sub res; echo v1 > sub/out.txt; echo '{"score": 1}' > res/m.json ;;
              remove) rm -rf sub res; exit 1 ;;
              link) rm -rf sub res; ln -s '\(outside.path)' res; exit 1 ;;
              plant) ln -s '\(outside.path)' "$MLOPS_REPOSITORY/.mlops/logs/$MLOPS_RUN_ID.outputs"
                     mkdir -p sub; echo bad > sub/out.txt; exit 1 ;;
            esac

            """, to: directory.url("step.sh"))
        func run(_ mode: String) async -> CLIResult {
            try? Fixtures.write("mode: \(mode)\n", to: directory.url("params.yaml"))
            return await CLIRunner.run(["repro"], in: directory.path)
        }
        #expect(await run("good").exitCode == 0)
        // The stage removed the directories of its output and metrics file: both come back.
        let removed = await run("remove")
        #expect(removed.exitCode == 1)
        #expect(try Fixtures.read(directory.url("sub/out.txt")) == "v1\n")
        #expect(try Fixtures.read(directory.url("res/m.json")) == "{\"score\": 1}\n")
        // It made the metrics file's directory a link to elsewhere: nothing is written there, and the error says
        // what could not be put back.
        let linked = await run("link")
        #expect(linked.exitCode == 1)
        #expect(try Fixtures.read(outside.url("m.json")) == "{\"other\": 42}\n")
        #expect(linked.standardError.contains("could not put back: res/m.json"), "\(linked.standardError)")
        try FileManager.default.removeItem(atPath: directory.url("res"))
        #expect(await run("good").exitCode == 0)
        // It planted a link where what it wrote would be kept: nothing moves through it.
        let planted = await run("plant")
        #expect(planted.exitCode == 1)
        #expect(try Fixtures.read(outside.url("out.txt")) == "precious\n")
        #expect(try Fixtures.read(directory.url("sub/out.txt")) == "v1\n")
    }

    @Test func independentStagesRunInParallelAndInOrder() async throws {
        let directory = try await repository(
            """
            stages:
              left:
                cmd: date +%s.%N > left.txt; sleep 3; date +%s.%N >> left.txt
                outs: [left.txt]
              right:
                cmd: date +%s.%N > right.txt; sleep 3; date +%s.%N >> right.txt
                outs: [right.txt]
              join:
                cmd: date +%s.%N > join.txt; cat left.txt right.txt >> join.txt
                deps: [left.txt, right.txt]
                outs: [join.txt]

            """)
        #expect(try await repro(directory, ["--jobs", "2"]) == ["left": "ran", "right": "ran", "join": "ran"])
        // [join start, left start, left end, right start, right end]; three seconds each, so that a loaded machine
        // starting one stage a second late still shows them overlapping (one second flaked in CI).
        let times = try Fixtures.read(directory.url("join.txt")).split(separator: "\n").compactMap { Double($0) }
        try #require(times.count == 5)
        #expect(times[1] < times[4] && times[3] < times[2], "left and right ran at overlapping times")
        #expect(times[0] >= times[2] && times[0] >= times[4], "join started after both finished")

        let dag = await CLIRunner.run(["dag", "--mermaid"], in: directory.path)
        #expect(dag.standardOutput.contains("flowchart TD"))
        #expect(dag.standardOutput.contains("s0 --> s2") && dag.standardOutput.contains("s1 --> s2"))
        let dry = await CLIRunner.run(["repro", "--dry-run", "--force"], in: directory.path)
        #expect(dry.standardOutput.contains("would run"))
    }

    @Test func foreachExpandsIntoOneStagePerItem() async throws {
        let directory = try await repository(
            """
            stages:
              square:
                foreach: [2, 3]
                do:
                  cmd: echo $((${item} * ${item})) > square-${item}.txt
                  outs:
                    - square-${item}.txt
              sum:
                cmd: cat square-2.txt square-3.txt > sum.txt
                deps: [square-2.txt, square-3.txt]
                outs: [sum.txt]

            """)
        #expect(try await repro(directory, ["square"]) == ["square@2": "ran", "square@3": "ran"])
        #expect(try Fixtures.read(directory.url("square-3.txt")) == "9\n")
        #expect(try await repro(directory) == ["square@2": "unchanged", "square@3": "unchanged", "sum": "ran"])
        let dag = await CLIRunner.run(["dag", "--json"], in: directory.path)
        let edges = try #require((try dag.json() as? [String: Any])?["edges"] as? [[String: String]])
        #expect(edges.count == 2)
        #expect(await CLIRunner.run(["repro", "nope"], in: directory.path).exitCode == 8)
    }

    @Test func twoConcurrentReprosNeverRunAStageTwice() async throws {
        let directory = try await repository()
        let processes = try (0..<2).map { _ in try CLIRunner.launch(["repro"], in: directory.path) }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        #expect(try runs(directory).sorted() == ["count", "upper"])
        #expect(await CLIRunner.run(["fsck"], in: directory.path).exitCode == 0)
        let status = await CLIRunner.run(["status", "--exit-code"], in: directory.path)
        #expect(status.exitCode == 0)
    }
}
