import Foundation
import MLOpsErrors
import MLOpsTestSupport
import Testing

@testable import MLOpsCore
@testable import MLOpsUI

/// The runs page's query: decoding the query string as browsers send it, refusing bad parameters by name, and the
/// page it selects from a snapshot (filter, sort, trials under their tune run, paging); hostile query strings
/// are fuzzed.
@Suite struct RunsQueryTests {
    private static func run(
        _ id: String, name: String, kind: RunKind = .train, parent: String? = nil, metrics: [String: Double] = [:],
        params: [String: String] = [:], started: TimeInterval
    ) -> Run {
        Run(
            id: id, name: name, kind: kind, status: .finished, started: Date(timeIntervalSince1970: started),
            ended: Date(timeIntervalSince1970: started + 2), git: GitState(commit: nil, dirty: false),
            toolVersion: "test", host: "h", parent: parent, command: nil, exitStatus: nil, params: params, tags: [:],
            metrics: metrics, history: nil, inputs: [], artifacts: [])
    }

    /// Two trains and a tune with three trials; rmse rises with the id.
    private static func snapshot() -> RunCatalog.Snapshot {
        let runs = [
            run("0a", name: "linear", metrics: ["rmse": 3.4], params: ["learner": "linear"], started: 1),
            run("0b", name: "gbdt", metrics: ["rmse": 2.9], params: ["learner": "gbdt"], started: 2),
            run("0c", name: "tune", kind: .tune, metrics: ["rmse": 2.7], started: 3),
            run("0d", name: "trial-1", kind: .trial, parent: "0c", metrics: ["rmse": 2.8], started: 4),
            run("0e", name: "trial-2", kind: .trial, parent: "0c", metrics: ["rmse": 2.7], started: 5),
            run("0f", name: "trial-3", kind: .trial, parent: "0c", metrics: ["rmse": 3.9], started: 6),
        ]
        return RunCatalog.Snapshot(
            runs: runs, positions: [:], metricKeys: ["rmse"], paramKeys: ["learner"],
            defaultColumns: ["params.learner", "metrics.rmse"], children: ["0c": ["0d", "0e", "0f"]],
            marker: ChangeMarker(description: "m", lastChange: Date(timeIntervalSince1970: 0)), readAt: Date())
    }

    @Test func decodesFormsAsBrowsersSendThem() {
        let query = QueryString("where=metrics.rmse+%3C+3&run=0a&run=0b&empty=&flag&bad=%zz%4")
        #expect(query["where"] == "metrics.rmse < 3")
        #expect(query.all("run") == ["0a", "0b"])
        #expect(query["empty"] == "" && query["flag"] == "")
        #expect(query["bad"] == "%zz%4")
        #expect(query.encoded(removing: ["run"], adding: [("sort", "name")]).hasSuffix("&sort=name"))
        #expect(!query.encoded(removing: ["run"]).contains("run="))
        #expect(QueryString(Substring(query.encoded())) == query)
    }

    @Test func refusesBadParametersByName() throws {
        for (text, named) in [
            ("kind=nightly", "nightly"), ("status=done", "done"), ("sort=rmse", "rmse"), ("order=up", "up"),
            ("limit=0", "limit"), ("limit=100000", "limit"), ("offset=-1", "offset"), ("columns=metrics.", "metrics."),
        ] {
            let error = try #require(throws: MLOpsError.self) { try RunsQuery(QueryString(Substring(text))) }
            #expect(error.code == .usage && error.message.contains(named), "\(text): \(error.message)")
        }
    }

    @Test func filtersSortsAndNestsTrialsUnderTheirTuneRun() throws {
        let snapshot = Self.snapshot()
        let all = RunsPage(try RunsQuery(QueryString("sort=metrics.rmse&order=asc")), in: snapshot)
        #expect(all.matched == 6 && all.groups == 3)
        // The tune run (2.7) first with its trials in rmse order, then gbdt and linear.
        #expect(all.rows.map(\.run.name) == ["tune", "trial-2", "trial-1", "trial-3", "gbdt", "linear"])
        #expect(all.rows.map(\.isChild) == [false, true, true, true, false, false])

        let filtered = RunsPage(try RunsQuery(QueryString("where=metrics.rmse+<+2.85")), in: snapshot)
        #expect(Set(filtered.rows.map(\.run.name)) == ["tune", "trial-1", "trial-2"])
        // A trial whose tune run does not match stands alone.
        let trials = RunsPage(try RunsQuery(QueryString("kind=trial&sort=name&order=asc")), in: snapshot)
        #expect(
            trials.rows.map(\.run.name) == ["trial-1", "trial-2", "trial-3"] && trials.rows.allSatisfy { !$0.isChild })

        let broken = RunsPage(try RunsQuery(QueryString("where=metrics.rmse+<<+3")), in: snapshot)
        #expect(broken.rows.isEmpty && broken.filterError?.contains("character") == true)
    }

    @Test func pagesByTopLevelRows() throws {
        let snapshot = Self.snapshot()
        let first = RunsPage(try RunsQuery(QueryString("limit=1&sort=started&order=asc")), in: snapshot)
        #expect(first.rows.map(\.run.name) == ["linear"] && first.groups == 3)
        let third = RunsPage(try RunsQuery(QueryString("limit=1&offset=2&sort=started&order=asc")), in: snapshot)
        #expect(third.rows.map(\.run.name) == ["tune", "trial-1", "trial-2", "trial-3"])
        let past = RunsPage(try RunsQuery(QueryString("offset=9")), in: snapshot)
        #expect(past.rows.isEmpty)
    }

    @Test func hostileQueryStringsAreAnsweredOrRefusedByName() throws {
        let snapshot = Self.snapshot()
        var fuzzer = Fuzzer("ui-runs-query", cases: 5_000)
        let samples = [
            "where=metrics.rmse+%3C+3+and+(params.learner+%3D+gbdt+or+kind+%3D+tune)&sort=metrics.rmse&order=asc",
            "kind=trial&status=finished&limit=2&offset=1&columns=params.learner,metrics.rmse",
            "column=metrics.rmse&column=tags.best&where=name+!%3D+%22a+b%22",
        ].map { Array($0.utf8) }
        fuzzer.run(samples: samples, tokens: ["%", "+", "&", "=", "%C3%A9", "%00", "metrics.", "("]) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let query = try RunsQuery(QueryString(Substring(text)))
            let page = RunsPage(query, in: snapshot)
            _ = RunsView(page: page, query: query, queryString: QueryString(Substring(text)), snapshot: snapshot)
                .render()
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    @Test func pagesEscapeWhatRunsRecorded() throws {
        var snapshot = Self.snapshot()
        snapshot.runs[0].name = "<script>alert(1)</script>"
        snapshot.runs[0].params["learner"] = "\"><img src=x>"
        let query = try RunsQuery(QueryString("where=name+%3D+x%22%3E%3Cb%3E"))
        let html = RunsView(
            page: RunsPage(RunsQuery(), in: snapshot), query: query, queryString: QueryString("a=%3Cb%3E"),
            snapshot: snapshot
        ).render()
        #expect(!html.contains("<script>") && !html.contains("<img") && !html.contains("x\"><b>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
}
