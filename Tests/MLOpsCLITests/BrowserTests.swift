import Foundation
import MLOpsCore
import MLOpsTestSupport
import Testing

/// `mlops ui` in a real browser: Debian's Chromium driven by Selenium (`Fixtures/ui_browser.py`, in the test venv)
/// over a repository with training runs, a tuning run, a model with a history and a pipeline that has run. The
/// script asserts on what the browser renders (the runs table, a `--where` filter, compare's charts, the model's
/// history, a promote with the token that `mlops model show` then agrees with, a promote without it refused, live
/// refresh), that no page logs a console error and that no request leaves the dashboard. Screenshots of each
/// page go to `.build/test-output/ui-browser/`.
@Suite struct BrowserTests {
    static let token = "browser-test-token"

    @Test func dashboardInChromium() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
            "run scripts/bootstrap to install chromium and chromium-driver")
        let (directory, _) = try await Fixtures.registry([[], ["--model", "linear"]], production: 1)
        let tuned = await CLIRunner.run(
            ["tune", "--data", "auto-mpg.csv", "--target", "mpg", "--grid", "max_leaves=7,15", "--folds", "2"],
            in: directory.path)
        #expect(tuned.exitCode == 0, "\(tuned.standardError)")
        try Fixtures.write(
            """
            stages:
              prepare:
                cmd: head -200 auto-mpg.csv > prepared.csv
                deps: [auto-mpg.csv]
                outs: [prepared.csv]
              summarize:
                cmd: wc -l prepared.csv > summary.txt && echo summarized
                deps: [prepared.csv]
                outs: [summary.txt]

            """, to: directory.url("mlops.yaml"))
        let reproduced = await CLIRunner.run(["repro"], in: directory.path)
        #expect(reproduced.exitCode == 0, "\(reproduced.standardError)")
        let listed = try #require(
            try await CLIRunner.run(["runs", "list", "--json"], in: directory.path).json() as? [[String: Any]])

        let output = Fixtures.projectRoot + "/.build/test-output/ui-browser"
        try? FileManager.default.removeItem(atPath: output)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let server = try RunningServer(["--token", Self.token], in: directory.path, command: "ui")
        defer { _ = server.stop() }
        let checked = try Fixtures.runChecker(
            "ui_browser.py",
            [
                "--url", server.url, "--token", Self.token, "--screenshots", output, "--mlops", CLIRunner.executable,
                "--repository", directory.path, "--expect-runs", String(listed.count), "--model", "mpg",
                "--promote-version", "2",
            ])
        #expect(checked.exitCode == 0, "\(checked.standardOutput)\(checked.standardError)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(checked.standardOutput.utf8)) as? [String: Any])
        #expect(report["passed"] as? Bool == true)
        let production = await CLIRunner.run(["model", "show", "mpg@production", "--json"], in: directory.path)
        #expect((try production.json() as? [String: Any])?["version"] as? Int == 2, "the browser's promotion held")
        for page in ["runs", "compare", "run", "model", "pipeline", "data", "serving"] {
            #expect(FileManager.default.fileExists(atPath: "\(output)/\(page).png"), "no screenshot of \(page)")
        }
    }
}
