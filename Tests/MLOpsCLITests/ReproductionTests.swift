import Foundation
import MLOpsTestSupport
import Testing

/// `mlops lineage` and `mlops reproduce` against real git repositories, clones and a directory remote, with every
/// command in its own process.
@Suite struct ReproductionTests {
    private func mlops(_ arguments: [String], in directory: String) throws -> CLIResult {
        try CLIRunner.execute(arguments, in: directory)
    }

    @discardableResult
    private func succeed(_ arguments: [String], in directory: String) throws -> CLIResult {
        let result = try mlops(arguments, in: directory)
        guard result.exitCode == 0 else {
            Issue.record("mlops \(arguments.joined(separator: " ")) exited \(result.exitCode): \(result.standardError)")
            return result
        }
        return result
    }

    /// A project in a temporary directory, beside the directory remote it pushes to.
    private struct Project {
        let outer: TemporaryDirectory
        var path: String { outer.url("project") }
        func url(_ relative: String) -> String { path + "/" + relative }
    }

    /// A git repository with an mlops repository in it, auto-mpg tracked (plus a binary target column), a
    /// directory remote, and everything committed.
    private func project() throws -> Project {
        let directory = Project(outer: try TemporaryDirectory())
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: directory.outer.url("remote"), withIntermediateDirectories: true)
        try Fixtures.git(["init", "-q"], in: directory.path)
        try succeed(["init", "-q"], in: directory.path)
        let lines = try Fixtures.read(Fixtures.example("auto-mpg/data/auto-mpg.csv")).split(separator: "\n")
        var csv = lines[0] + ",efficient\n"
        for line in lines.dropFirst() {
            let mpg = Double(line.split(separator: ",")[0]) ?? 0
            csv += line + (mpg > 25 ? ",yes\n" : ",no\n")
        }
        try Fixtures.write(String(csv), to: directory.url("cars.csv"))
        try succeed(["add", "cars.csv", "-q"], in: directory.path)
        try succeed(["remote", "add", "storage", directory.outer.url("remote"), "-q"], in: directory.path)
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "data"], in: directory.path)
        return directory
    }

    private func train(_ arguments: [String], threads: Int, in directory: String) throws -> (run: String, model: String)
    {
        let result = try succeed(
            ["train", "--data", "cars.csv", "--json", "--threads", String(threads), "--categorical", "origin"]
                + arguments, in: directory)
        let json = try #require(try result.json() as? [String: Any])
        return (try #require(json["run_id"] as? String), try #require(json["model_oid"] as? String))
    }

    @Test func everyLearnerAndTaskTrainsTheSameBytesOnAnyCoreCountAndReproducesInAFreshClone() throws {
        let directory = try project()
        let features = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year"]
        let matrix: [(String, [String])] = [
            ("linear regression", ["--model", "linear", "--target", "mpg"]),
            ("gbdt regression", ["--model", "gbdt", "--target", "mpg", "--param", "rounds=30"]),
            ("forest regression", ["--model", "forest", "--target", "mpg", "--param", "trees=20"]),
            ("logistic binary", ["--model", "logistic", "--target", "efficient"]),
            ("gbdt binary", ["--model", "gbdt", "--target", "efficient", "--param", "rounds=30"]),
            ("forest binary", ["--model", "forest", "--target", "efficient", "--param", "trees=20"]),
            ("logistic multiclass", ["--model", "logistic", "--target", "origin"]),
            ("gbdt multiclass", ["--model", "gbdt", "--target", "origin", "--param", "rounds=20"]),
            ("forest multiclass", ["--model", "forest", "--target", "origin", "--param", "trees=20"]),
        ]
        var runs: [(String, String)] = []
        for (name, arguments) in matrix {
            let columns =
                features.flatMap { ["--feature", $0] } + (arguments.contains("origin") ? [] : ["--feature", "origin"])
            let trained = try [1, 2, 1, 2].map { try train(arguments + columns, threads: $0, in: directory.path) }
            #expect(Set(trained.map(\.model)).count == 1, "\(name): \(trained.map(\.model))")
            runs.append((name, trained[0].run))
        }
        try succeed(["push", "-q"], in: directory.path)

        let clone = try TemporaryDirectory()
        try Fixtures.git(["clone", "-q", directory.path, clone.url("clone")], in: clone.path)
        let cloned = clone.url("clone")
        try succeed(["pull", "-q"], in: cloned)
        for (name, run) in runs {
            let result = try mlops(["reproduce", "run:" + run, "--json"], in: cloned)
            #expect(result.exitCode == 0, "\(name): \(result.standardError)")
            let report = try #require(try result.json() as? [String: Any])
            #expect(report["verdict"] as? String == "identical", "\(name)")
        }
    }

    @Test func aRegisteredVersionIsReproducedWithDataFetchedFromTheRemoteAndItsLineageShown() throws {
        let directory = try project()
        let run = try train(["--target", "mpg", "--param", "rounds=25"], threads: 2, in: directory.path).run
        try succeed(["model", "register", "run:" + run, "--name", "mpg", "-q"], in: directory.path)
        try succeed(["model", "promote", "mpg@1", "--to", "production", "-q"], in: directory.path)
        try succeed(["push", "-q"], in: directory.path)

        // A clone with the records only: the data object comes from the remote during the rebuild.
        let clone = try TemporaryDirectory()
        try Fixtures.git(["clone", "-q", directory.path, clone.url("clone")], in: clone.path)
        let cloned = clone.url("clone")
        try succeed(["pull", "--metadata", "-q"], in: cloned)
        let before = try #require(
            try succeed(["lineage", "mpg@production", "--json"], in: cloned).json() as? [String: Any])
        let data = try #require((before["data"] as? [[String: Any]])?.first)
        #expect(data["path"] as? String == "cars.csv")
        #expect(data["cached"] as? Bool == false)
        #expect(data["pointer"] as? String == "cars.csv.mlops")
        let head = try Fixtures.git(["rev-parse", "HEAD"], in: directory.path)
        #expect(data["recorded_in"] as? String == head)
        #expect((before["obstacles"] as? [Any])?.isEmpty == true)
        #expect((before["events"] as? [[String: Any]])?.map { $0["event"] as? String } == ["register", "promote"])

        let result = try mlops(["reproduce", "mpg@production", "--json"], in: cloned)
        #expect(result.exitCode == 0, "\(result.standardError)")
        let report = try #require(try result.json() as? [String: Any])
        #expect(report["verdict"] as? String == "identical")
        #expect(report["fetched"] as? Int == 2)  // the recipe and the data
        #expect(report["recorded_metrics"] as? [String: Double] == report["rebuilt_metrics"] as? [String: Double])
        // Nothing in the clone's work tree changed, and the commit's checkout is gone.
        #expect(try Fixtures.git(["status", "--porcelain"], in: cloned).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cloned + "/cars.csv"))

        let mermaid = try succeed(["lineage", "mpg@production", "--mermaid"], in: cloned).standardOutput
        #expect(mermaid.hasPrefix("flowchart LR\n"))
        #expect(mermaid.contains("-->|\"produced\"|") && mermaid.contains("-->|\"read\"|"))
        let dot = try succeed(["lineage", "mpg@production", "--dot"], in: cloned).standardOutput
        #expect(dot.hasPrefix("digraph lineage {") && dot.contains("shape=cylinder"))
        let uses = try #require(
            try succeed(["lineage", "cars.csv", "--json"], in: directory.path).json() as? [String: Any])
        #expect((uses["uses"] as? [[String: Any]])?.first?["versions"] as? [String] == ["mpg@1"])
    }

    @Test func anImportedBundleCarriesItsRecipeSoTheVersionIsReproducedWhereItIsImported() throws {
        let directory = try project()
        let run = try train(["--target", "mpg", "--param", "rounds=20"], threads: 2, in: directory.path).run
        try succeed(["model", "register", "run:" + run, "--name", "mpg", "-q"], in: directory.path)
        try succeed(["push", "-q"], in: directory.path)
        try succeed(["export", "mpg@1", "--output", directory.outer.url("mpg-1.tar.gz")], in: directory.path)

        // A clone that never pulled the runs: only the bundle says how the model was made.
        let clone = try TemporaryDirectory()
        try Fixtures.git(["clone", "-q", directory.path, clone.url("clone")], in: clone.path)
        let cloned = clone.url("clone")
        try succeed(["import", directory.outer.url("mpg-1.tar.gz"), "--name", "imported", "-q"], in: cloned)
        let shown = try succeed(["model", "show", "imported@1"], in: cloned).standardOutput
        #expect(shown.contains("recipe") && shown.contains("rounds=20"))
        let result = try mlops(["reproduce", "imported@1", "--json"], in: cloned)
        #expect(result.exitCode == 0, "\(result.standardError)")
        #expect((try result.json() as? [String: Any])?["verdict"] as? String == "identical")

        // A bundle whose recipe was edited (and its checksums recomputed) no longer gives its model.
        let crafted = try Fixtures.runChecker(
            "edit_bundle.py",
            [directory.outer.url("mpg-1.tar.gz"), clone.url("edited.tar.gz"), "lineage/recipe/params/rounds=21"])
        #expect(crafted.exitCode == 0, "\(crafted.standardError)")
        try succeed(["import", clone.url("edited.tar.gz"), "--name", "edited", "-q"], in: cloned)
        let different = try mlops(["reproduce", "edited@1", "--json"], in: cloned)
        #expect(different.exitCode == 12)
        let report = try #require(try different.json() as? [String: Any])
        #expect(report["first_difference"] as? String == "parameter rounds: 20 vs 21")
    }

    @Test func aTuneRunRetrainsItsBestConfigurationWithTheUncommittedSchemaBesideItsData() throws {
        let directory = try project()
        // A schema beside the data, never committed: the run keeps its bytes.
        try succeed(["schema", "infer", "cars.csv", "--output", "cars.schema.yaml", "-q"], in: directory.path)
        let tuned = try succeed(
            [
                "tune", "--data", "cars.csv", "--target", "mpg", "--categorical", "origin", "--grid", "max_leaves=4,8",
                "--param", "rounds=15", "--folds", "2", "--json",
            ], in: directory.path)
        let tuneRun = try #require((try tuned.json() as? [String: Any])?["run_id"] as? String)
        let best = try #require((try tuned.json() as? [String: Any])?["best_params"] as? [String: String])
        let lineage = try #require(
            try succeed(["lineage", "run:" + tuneRun, "--json"], in: directory.path).json() as? [String: Any])
        let recipe = try #require(lineage["recipe"] as? [String: Any])
        #expect(recipe["schema"] as? String == "cars.schema.yaml")
        #expect(recipe["searched_params"] as? [String: String] == best)
        #expect((recipe["params"] as? [String: String])?["max_leaves"] == best["max_leaves"])

        let result = try mlops(["reproduce", "run:" + tuneRun, "--json"], in: directory.path)
        #expect(result.exitCode == 0, "\(result.standardError)")
        let report = try #require(try result.json() as? [String: Any])
        #expect(report["verdict"] as? String == "identical")
        #expect((report["notes"] as? [String])?.contains { $0.contains("search was not repeated") } == true)

        let searched = try mlops(["reproduce", "run:" + tuneRun, "--search", "--json"], in: directory.path)
        #expect(searched.exitCode == 0, "\(searched.standardError)")
        let again = try #require(try searched.json() as? [String: Any])
        let comparisons = try #require(again["comparisons"] as? [[String: Any]])
        #expect(comparisons.map { $0["name"] as? String } == ["best configuration", "model"])
        #expect(comparisons.first?["rebuilt"] as? String == "max_leaves=\(best["max_leaves"] ?? "")")
        #expect(comparisons.allSatisfy { $0["identical"] as? Bool == true })

        // A search over the seed: the hold-out split and the folds keep the fixed seed, the model the chosen one.
        let seeded = try succeed(
            [
                "tune", "--data", "cars.csv", "--target", "mpg", "--grid", "seed=1,2,3", "--param", "rounds=10",
                "--param", "subsample=0.7", "--folds", "2", "--json",
            ], in: directory.path)
        let seededRun = try #require((try seeded.json() as? [String: Any])?["run_id"] as? String)
        for extra in [[], ["--search"]] {
            let result = try mlops(["reproduce", "run:" + seededRun] + extra, in: directory.path)
            #expect(result.exitCode == 0, "\(extra): \(result.standardOutput)")
        }
        // Searches too large to hold are refused before anything runs.
        let huge = try mlops(
            [
                "tune", "--data", "cars.csv", "--target", "mpg", "--random", "learning_rate=0.01:0.3", "--trials",
                "1000000000000",
            ], in: directory.path)
        #expect(huge.exitCode == 64, "\(huge.standardError)")
    }

    @Test func whatCannotBeReproducedIsRefusedWithTheReason() throws {
        let directory = try project()
        // A dirty work tree: a tracked file changed and not committed.
        try Fixtures.write("notes\n", to: directory.url("notes.txt"))
        try Fixtures.git(["add", "notes.txt"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "notes"], in: directory.path)
        try Fixtures.write("changed\n", to: directory.url("notes.txt"))
        let dirty = try train(["--target", "mpg", "--model", "linear"], threads: 1, in: directory.path).run
        let refusedDirty = try mlops(["reproduce", "run:" + dirty], in: directory.path)
        #expect(refusedDirty.exitCode == 10)
        #expect(refusedDirty.standardError.contains("tracked files changed"))
        try Fixtures.git(["checkout", "--", "notes.txt"], in: directory.path)

        // Data neither cached nor on the remote: hashed by the run, never added.
        let rows = try Fixtures.read(directory.url("cars.csv")).split(separator: "\n").dropLast(5)
        try Fixtures.write(rows.joined(separator: "\n") + "\n", to: directory.url("loose.csv"))
        let loose = try succeed(
            ["train", "--data", "loose.csv", "--target", "mpg", "--model", "linear", "--json"], in: directory.path)
        let looseRun = try #require((try loose.json() as? [String: Any])?["run_id"] as? String)
        try FileManager.default.removeItem(atPath: directory.url("loose.csv"))
        try Fixtures.write("extra\n", to: directory.url("loose.csv"))
        let refusedData = try mlops(["reproduce", "run:" + looseRun], in: directory.path)
        #expect(refusedData.exitCode == 8)
        #expect(refusedData.standardError.contains("not in the cache"))

        // An evaluation produces nothing to rebuild.
        let evaluated = try succeed(
            ["eval", "run:" + looseRun, "--data", "cars.csv", "--json"], in: directory.path)
        let evalRun = try #require((try evaluated.json() as? [String: Any])?["run_id"] as? String)
        let refusedEval = try mlops(["reproduce", "run:" + evalRun], in: directory.path)
        #expect(refusedEval.exitCode == 10)

        // A commit that no longer exists: amended away and pruned.
        let clean = try train(["--target", "mpg", "--model", "linear"], threads: 1, in: directory.path).run
        try Fixtures.git(["commit", "-q", "--amend", "-m", "rewritten"], in: directory.path)
        try Fixtures.git(["reflog", "expire", "--expire=now", "--all"], in: directory.path)
        try Fixtures.git(["gc", "-q", "--prune=now"], in: directory.path)
        let refusedCommit = try mlops(["reproduce", "run:" + clean], in: directory.path)
        #expect(refusedCommit.exitCode == 8)
        #expect(refusedCommit.standardError.contains("not in this git repository"))
        let lineage = try #require(
            try succeed(["lineage", "run:" + clean, "--json"], in: directory.path).json() as? [String: Any])
        #expect(lineage["commit_exists"] as? Bool == false)
    }

    @Test func stageAndExternalRunsAreRunAgainAndComparedOutputByOutput() throws {
        let directory = try project()
        try Fixtures.write("b\na\nc\n", to: directory.url("letters.txt"))
        try Fixtures.write(
            """
            stages:
              sort:
                cmd: sort letters.txt > sorted.txt
                deps: [letters.txt]
                outs: [sorted.txt]
              count:
                cmd: wc -l < sorted.txt > count.txt
                deps: [sorted.txt]
                outs: [count.txt]
            """, to: directory.url("mlops.yaml"))
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "pipeline"], in: directory.path)
        try succeed(["repro", "-q"], in: directory.path)
        // The second stage ran after the first changed pointer files, mlops.lock and .gitignore: still clean.
        let stageRuns = try #require(
            try succeed(["runs", "list", "--json", "--where", "kind = stage"], in: directory.path).json()
                as? [[String: Any]])
        #expect(stageRuns.count == 2)
        var outputs: [String] = []
        for stageRun in stageRuns {
            let stage = try mlops(
                ["reproduce", "run:" + (stageRun["id"] as? String ?? ""), "--json"], in: directory.path)
            #expect(stage.exitCode == 0, "\(stage.standardError)")
            let comparisons = (try stage.json() as? [String: Any])?["comparisons"] as? [[String: Any]]
            outputs += comparisons?.compactMap { $0["name"] as? String } ?? []
        }
        #expect(outputs.sorted() == ["count.txt", "sorted.txt"])
        let lineage = try #require(
            try succeed(["lineage", "sorted.txt", "--json"], in: directory.path).json() as? [String: Any])
        #expect(lineage["path"] as? String == "sorted.txt")

        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "outputs"], in: directory.path)
        let steady = try succeed(
            ["run", "--output", "out.txt", "--json", "--", "sh", "-c", "echo 'it''s steady' > out.txt"],
            in: directory.path)
        let steadyRun = try #require((try steady.json() as? [String: Any])?["run_id"] as? String)
        let identical = try mlops(["reproduce", "run:" + steadyRun], in: directory.path)
        #expect(identical.exitCode == 0, "\(identical.standardError)")
        #expect(identical.standardOutput.contains("deterministic"))

        // Nothing stored: nothing to compare, so no verdict.
        let silent = try succeed(["run", "--json", "--", "sh", "-c", "true"], in: directory.path)
        let silentRun = try #require((try silent.json() as? [String: Any])?["run_id"] as? String)
        #expect(try mlops(["reproduce", "run:" + silentRun], in: directory.path).exitCode == 10)
        // An absolute output inside the repository, and an exit status that changes.
        try Fixtures.write("0", to: directory.url("status.txt"))
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "status"], in: directory.path)
        let absolute = try succeed(
            ["run", "--output", directory.url("abs.txt"), "--json", "--", "sh", "-c", "echo a > abs.txt"],
            in: directory.path)
        let absoluteRun = try #require((try absolute.json() as? [String: Any])?["run_id"] as? String)
        #expect(try mlops(["reproduce", "run:" + absoluteRun], in: directory.path).exitCode == 0)
        // The command succeeded because of an untracked file the commit does not have.
        try Fixtures.write("here\n", to: directory.url("untracked.txt"))
        let exits = try succeed(
            ["run", "--output", "out2.txt", "--json", "--", "sh", "-c", "echo x > out2.txt; test -e untracked.txt"],
            in: directory.path)
        let exitsRun = try #require((try exits.json() as? [String: Any])?["run_id"] as? String)
        let changed = try mlops(["reproduce", "run:" + exitsRun, "--json"], in: directory.path)
        #expect(changed.exitCode == 12)
        let statuses = ((try changed.json() as? [String: Any])?["comparisons"] as? [[String: Any]])?.first
        #expect(statuses?["name"] as? String == "exit status" && statuses?["rebuilt"] as? String == "exit 1")
        // A command stopped by a signal is stopped by the same signal again.
        let killed = try mlops(
            ["run", "--output", "sig.txt", "--json", "--", "sh", "-c", "echo s > sig.txt; kill -9 $$"],
            in: directory.path)
        let killedRun = try #require((try killed.json() as? [String: Any])?["run_id"] as? String)
        let again = try mlops(["reproduce", "run:" + killedRun, "--json"], in: directory.path)
        #expect(again.exitCode == 0, "\(again.standardOutput)")

        let clock = try succeed(
            ["run", "--output", "now.txt", "--json", "--", "sh", "-c", "date +%s%N > now.txt"], in: directory.path)
        let clockRun = try #require((try clock.json() as? [String: Any])?["run_id"] as? String)
        let different = try mlops(["reproduce", "run:" + clockRun, "--json"], in: directory.path)
        #expect(different.exitCode == 12)
        let report = try #require(try different.json() as? [String: Any])
        #expect(report["verdict"] as? String == "different")
        #expect(different.standardError.contains("now.txt"))
    }

    /// A commit that swaps the mlops repository's directory for a link to another project must not lead a rebuild
    /// there: it would delete and overwrite that project's files.
    @Test func aCommitThatLinksTheRepositoryElsewhereIsRefused() throws {
        let outer = try TemporaryDirectory()
        let top = outer.url("top")
        let victim = outer.url("victim")
        for path in [top + "/ml", victim] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        try succeed(["init", "-q"], in: victim)
        try Fixtures.write("precious\n", to: victim + "/cars.csv")
        try Fixtures.git(["init", "-q"], in: top)
        try succeed(["init", "-q"], in: top + "/ml")
        try FileManager.default.copyItem(
            atPath: Fixtures.example("auto-mpg/data/auto-mpg.csv"), toPath: top + "/ml/cars.csv")
        try succeed(["add", "cars.csv", "-q"], in: top + "/ml")
        try Fixtures.git(["add", "-A"], in: top)
        try Fixtures.git(["commit", "-qm", "project"], in: top)
        try succeed(
            ["train", "--data", "cars.csv", "--target", "mpg", "--model", "linear", "--name", "m", "-q"],
            in: top + "/ml")
        let run = try #require(
            (try succeed(["runs", "list", "--json"], in: top + "/ml").json() as? [[String: Any]])?.first?["id"]
                as? String)
        try succeed(["model", "register", "run:" + run, "--name", "m", "-q"], in: top + "/ml")
        try succeed(["export", "m@1", "--output", outer.url("m.tar.gz")], in: top + "/ml")
        // A commit on another branch where `ml` is a link to the victim.
        try Fixtures.git(["checkout", "-q", "-b", "evil"], in: top)
        try Fixtures.git(["rm", "-rq", "--cached", "ml"], in: top)
        try FileManager.default.moveItem(atPath: top + "/ml", toPath: outer.url("ml.real"))
        try FileManager.default.createSymbolicLink(atPath: top + "/ml", withDestinationPath: victim)
        try Fixtures.git(["add", "ml"], in: top)
        try Fixtures.git(["commit", "-qm", "evil"], in: top)
        let evil = try Fixtures.git(["rev-parse", "HEAD"], in: top)
        try FileManager.default.removeItem(atPath: top + "/ml")
        try FileManager.default.moveItem(atPath: outer.url("ml.real"), toPath: top + "/ml")
        try Fixtures.git(["checkout", "-qf", "master"], in: top)

        // The bundle now names the linked commit, and an object the importing repository has (the model itself)
        // as its data, to be written over the victim's.
        let crafted = try Fixtures.runChecker(
            "edit_bundle.py",
            [
                outer.url("m.tar.gz"), outer.url("evil.tar.gz"), "lineage/git_commit=" + evil,
                "lineage/inputs/0/oid=@files/model.json", "lineage/recipe/data_oid=@files/model.json",
            ])
        #expect(crafted.exitCode == 0, "\(crafted.standardError)")
        // A clone has the commit but not the run: the bundle's lineage is all it goes by.
        try Fixtures.git(["clone", "-q", top, outer.url("clone")], in: outer.path)
        let cloned = outer.url("clone") + "/ml"
        try succeed(["import", outer.url("evil.tar.gz"), "--name", "evil", "-q"], in: cloned)
        let before = try FileManager.default.subpathsOfDirectory(atPath: victim).sorted()
        let refused = try mlops(["reproduce", "evil@1"], in: cloned)
        #expect(refused.exitCode == 65, "\(refused.standardError)")
        #expect(refused.standardError.contains("symbolic link"))
        #expect(try Fixtures.read(victim + "/cars.csv") == "precious\n")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: victim).sorted() == before)
    }

    @Test func graphLabelsAreEscapedForMermaidAndDot() throws {
        let directory = try project()
        let name = "we\"ird <#1>.csv"
        try FileManager.default.copyItem(atPath: directory.url("cars.csv"), toPath: directory.url(name))
        try succeed(["train", "--data", name, "--target", "mpg", "--model", "linear", "-q"], in: directory.path)
        let mermaid = try succeed(["lineage", name, "--mermaid"], in: directory.path).standardOutput
        #expect(mermaid.contains("we#quot;ird #lt;#35;1#gt;.csv"))
        #expect(!mermaid.contains("we\"ird"))
        let dot = try succeed(["lineage", name, "--dot"], in: directory.path).standardOutput
        #expect(dot.contains("we\\\"ird <#1>.csv"))
        // A file whose name looks like a model reference is still a file.
        try FileManager.default.copyItem(atPath: directory.url("cars.csv"), toPath: directory.url("d@x.csv"))
        let atSign = try mlops(["lineage", "d@x.csv", "--json"], in: directory.path)
        #expect(atSign.exitCode == 0, "\(atSign.standardError)")
        #expect((try atSign.json() as? [String: Any])?["path"] as? String == "d@x.csv")
        #expect(try mlops(["lineage", ".", "--json"], in: directory.path).exitCode == 64)
        #expect(try mlops(["lineage", name, "--json", "--dot"], in: directory.path).exitCode == 64)
    }
}
