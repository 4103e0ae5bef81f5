import Foundation
import MLOpsErrors
import MLOpsTestSupport
import Testing

@testable import MLOpsCore

/// `RunStore` on a real repository database, without the CLI: what a run records, and that an ended run cannot
/// change except by tagging or deleting it — through the store, and through any other writer (the schema's
/// triggers).
@Suite struct RunStoreTests {
    let directory: TemporaryDirectory
    let repository: Repository
    var runs: RunStore { repository.runs }

    init() throws {
        (directory, repository) = try Fixtures.repository()
    }

    @Test func aRunRecordsWhileRunningAndOnlyTakesTagsOnceEnded() throws {
        let started = Date(timeIntervalSince1970: 1_800_000_000)
        let id = try runs.start(name: "fit", kind: .external, command: "python fit.py", at: started)
        try runs.logParams(["alpha": "0.1", "layers": "3"], run: id)
        try runs.logMetrics(["loss": 0.9], step: 1, run: id)
        try runs.logMetrics(["loss": 0.4, "accuracy": 0.8], step: 2, run: String(id.prefix(RunID.displayLength)))
        try runs.logMetricSeries("lr", values: [(1, 0.1), (2, .nan), (3, 0.01)], run: id)
        try runs.logInputs(
            [Run.Input(path: "data/train.csv", oid: "sha256:" + String(repeating: "a", count: 64))], run: id)
        let artifact = try repository.logArtifact("notes.txt", bytes: Array("hello".utf8), run: "run:" + id)
        #expect(artifact.run == id)
        try runs.finish(id, status: .finished, exitStatus: 0, at: started.addingTimeInterval(5))

        let ended = try runs.run(id)
        #expect(ended.status == .finished && ended.name == "fit" && ended.kind == .external)
        #expect(ended.command == "python fit.py" && ended.exitStatus == 0 && ended.durationSeconds == 5)
        #expect(ended.params == ["alpha": "0.1", "layers": "3"])
        #expect(ended.metrics == ["loss": 0.4, "accuracy": 0.8, "lr": 0.01])
        #expect(ended.history?["loss"] == [Run.MetricPoint(step: 1, value: 0.9), Run.MetricPoint(step: 2, value: 0.4)])
        #expect(ended.history?["lr"]?.map(\.step) == [1, 3], "a value that is not finite is skipped in a series")
        #expect(ended.inputs.map(\.path) == ["data/train.csv"])
        #expect(ended.artifact(named: "notes.txt") == artifact.oid.description)
        #expect(try repository.store.read(artifact.oid) == Array("hello".utf8))

        let changes: [(String, () throws -> Void)] = [
            ("params", { try runs.logParams(["alpha": "9"], run: id) }),
            ("metrics", { try runs.logMetrics(["loss": 0], step: 2, run: id) }),
            ("series", { try runs.logMetricSeries("loss", values: [(3, 0)], run: id) }),
            ("inputs", { try runs.logInputs([Run.Input(path: "other.csv", oid: "x")], run: id) }),
            ("artifact", { _ = try repository.logArtifact("late.txt", bytes: [1], run: id) }),
            ("finish", { try runs.finish(id, status: .failed) }),
        ]
        let objects = try repository.store.allObjects().count
        for (what, change) in changes {
            let error = #expect(throws: MLOpsError.self, "\(what) of an ended run") { try change() }
            #expect(error?.code == .invalidState && error?.message.contains("has ended") == true, "\(what)")
        }
        #expect(try runs.run(id) == ended, "refused changes left the run as it was")
        #expect(try repository.store.allObjects().count == objects, "a refused artifact is not stored")

        try runs.tag(["reviewed": "yes"], run: id)
        var tagged = ended
        tagged.tags = ["reviewed": "yes"]
        #expect(try runs.run(id) == tagged)

        // Deleting is the other change an ended run takes: with its params, metrics, inputs and artifacts.
        #expect(try runs.delete([id]) == [id])
        #expect((#expect(throws: MLOpsError.self) { try runs.run(id) })?.code == .notFound)
        let left = try repository.database.read { db in
            try ["run_params", "run_metrics", "run_inputs", "run_artifacts", "run_tags"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
            }
        }
        #expect(left == [0, 0, 0, 0, 0])
    }

    @Test func aRunEndsOnceAndOnlyAsFinishedFailedOrKilled() throws {
        let id = try runs.start(name: nil, kind: .external)
        for status in [RunStatus.running, .dead] {
            #expect((#expect(throws: MLOpsError.self) { try runs.finish(id, status: status) })?.code == .usage)
        }
        try runs.finish(id, status: .killed, exitStatus: 137)
        #expect(throws: MLOpsError.self) { try runs.finish(id, status: .finished) }
        #expect(try runs.run(id).status == .killed)
    }

    @Test func gatesAreRecordedAFailedOneEndsTheRunFailedGateAndRecordsCarryThem() throws {
        let id = try runs.start(name: "eval-mpg@2", kind: .eval)
        try runs.logMetrics(["rmse": 2.5], run: id)
        let gates = [
            EvaluationReport.GateResult(gate: "rmse < 3", metric: "rmse", value: 2.5, limit: 3, passed: true),
            EvaluationReport.GateResult(gate: "rmse < 2", metric: "rmse", value: 2.5, limit: 2, passed: false),
        ]
        let infinite = EvaluationReport.GateResult(gate: "x", metric: "x", value: .infinity, limit: 1, passed: false)
        #expect((#expect(throws: MLOpsError.self) { try runs.logGates([infinite], run: id) })?.code == .invalidInput)
        try runs.logGates(gates, run: id)
        // A run whose gate failed cannot pass for finished.
        try runs.finish(id, status: .finished)
        let ended = try runs.run(id)
        #expect(ended.status == .failedGate && ended.gates == gates)
        var listing = RunListing()
        listing.filter = try RunFilter("status = failed_gate")
        #expect(try runs.list(listing).map(\.id) == [id])

        // The record a push publishes carries the gates, and a clone that merges it has them.
        let record = try #require(try runs.unpublishedRecords().first { $0.id == id })
        #expect(record.gates == gates && record.status == "failed_gate")
        let (_, clone) = try Fixtures.repository()
        _ = try clone.runs.merge(records: [record], published: [], events: [])
        #expect(try clone.runs.run(id).gates == gates && clone.runs.run(id).status == .failedGate)
        // A run that checked no gates has none in its record (records of earlier versions read the same).
        let plain = try runs.start(name: nil, kind: .train)
        try runs.finish(plain, status: .finished)
        #expect(try runs.unpublishedRecords().first { $0.id == plain }?.gates == nil)
    }

    @Test func theSchemaRefusesChangesToEndedRunsFromAnyWriter() throws {
        let running = try runs.start(name: nil, kind: .train)
        let ended = try runs.start(name: nil, kind: .train)
        try runs.finish(ended, status: .failed)
        let statements = [
            "UPDATE runs SET name = 'renamed' WHERE id = '\(ended)'",
            "UPDATE runs SET status = 'finished' WHERE id = '\(ended)'",
            "INSERT INTO run_params (run_id, key, value) VALUES ('\(ended)', 'k', 'v')",
            "INSERT INTO run_metrics (run_id, key, value, step, timestamp_ns) VALUES ('\(ended)', 'm', 1, 0, 0)",
            "INSERT INTO run_inputs (run_id, path, oid) VALUES ('\(ended)', 'p', 'o')",
            "INSERT INTO run_artifacts (run_id, name, oid) VALUES ('\(ended)', 'n', 'o')",
            """
            INSERT INTO run_gates (run_id, position, gate, metric, value, threshold, passed)
            VALUES ('\(ended)', 0, 'rmse < 1', 'rmse', 2, 1, 0)
            """,
        ]
        let bypasses = [
            """
            INSERT OR REPLACE INTO runs (id, name, kind, status, started_ns, git_dirty, tool_version, host)
            VALUES ('\(ended)', 'reborn', 'train', 'running', 0, 0, 'x', 'y')
            """,
            "UPDATE runs SET status = 'running' WHERE id = '\(running)'",
            "DELETE FROM run_params WHERE run_id = '\(ended)'",
            "UPDATE run_params SET run_id = '\(ended)' WHERE run_id = '\(running)'",
        ]
        for statement in statements {
            let error = #expect(throws: MLOpsError.self, "\(statement)") {
                try repository.database.write { try $0.execute(sql: statement) }
            }
            #expect(error?.code == .invalidState && error?.message.contains("the run has ended") == true)
        }
        // The same statements on a running run are what the store itself does.
        try repository.database.write { db in
            for statement in statements.dropFirst(2) {
                try db.execute(sql: statement.replacingOccurrences(of: ended, with: running))
            }
        }
        #expect(try runs.run(running).params == ["k": "v"])
        // An ended run's records are there to be protected: recorded while it ran, through the store.
        let protected = try runs.start(name: nil, kind: .train)
        try runs.logParams(["kept": "yes"], run: protected)
        try runs.finish(protected, status: .finished)
        for statement in bypasses {
            let sql = statement.replacingOccurrences(of: ended, with: protected)
            let error = #expect(throws: MLOpsError.self, "\(sql)") {
                try repository.database.write { try $0.execute(sql: sql) }
            }
            #expect(error?.code == .invalidState, "\(sql)")
        }
        #expect(try runs.run(protected).params == ["kept": "yes"] && runs.run(protected).status == .finished)
        #expect(try runs.run(ended).name != "renamed")
    }

    @Test func prefixesResolveLikeGitAndAmbiguityIsNamed() throws {
        let moment = Date(timeIntervalSince1970: 1_800_000_000.25)
        let first = try runs.start(name: "a", kind: .train, at: moment)
        let second = try runs.start(name: "b", kind: .train, at: moment)
        #expect(try runs.resolveID(String(first.prefix(30))) == first)
        #expect(try runs.resolveID("run:" + second.uppercased()) == second)
        let shared = String(first.prefix(RunID.displayLength))
        let ambiguous = #expect(throws: MLOpsError.self) { try runs.resolveID(shared) }
        #expect(ambiguous?.message.contains("matches several runs") == true)
        #expect((#expect(throws: MLOpsError.self) { try runs.resolveID("zz-not-hex") })?.code == .invalidInput)
        #expect((#expect(throws: MLOpsError.self) { try runs.run("ffff") })?.code == .notFound)
    }

    @Test func listingFiltersAndSortsAndDeletingATuningRunTakesItsTrials() throws {
        let tune = try runs.start(name: "tune", kind: .tune)
        var trials: [String] = []
        for (index, rmse) in [3.0, 1.0, 2.0].enumerated() {
            let trial = try runs.start(name: "trial-\(index)", kind: .trial, parent: tune)
            try runs.logMetrics(["rmse": rmse], run: trial)
            try runs.finish(trial, status: .finished)
            trials.append(trial)
        }
        try runs.finish(tune, status: .finished)
        let other = try runs.start(name: "other", kind: .train)

        var listing = RunListing()
        listing.filter = try RunFilter("metrics.rmse < 2.5")
        listing.sortKey = "metrics.rmse"
        listing.descending = false
        #expect(try runs.list(listing).map(\.name) == ["trial-1", "trial-2"])
        listing = RunListing()
        listing.status = .running
        #expect(try runs.list(listing).map(\.id) == [other])

        #expect(try runs.delete([tune]) == [tune])
        #expect(try runs.list().map(\.id) == [other])
        for trial in trials { #expect(throws: MLOpsError.self) { try runs.run(trial) } }
    }
}
