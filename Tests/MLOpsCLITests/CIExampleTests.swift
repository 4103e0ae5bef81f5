import Foundation
import MLOpsTestSupport
import Testing

/// The CI examples (`Examples/ci`) run step by step, as GitHub Actions and GitLab CI would run them, against moto's
/// S3 server and a bare git repository standing in for the forge: a push to main runs the pipeline, registers and
/// promotes the model through production's gates, pushes, commits the pipeline's state and tags it; a pull (merge)
/// request brings the pipeline up to date from the shared run cache, checks the change against production and
/// posts the metrics and parameters diff as Markdown. So the examples cannot rot.
@Suite(.serialized) struct CIExampleTests {
    enum System: String, CaseIterable, Sendable {
        case github, gitlab

        /// Where the example lives and where a project keeps it.
        var example: String { self == .github ? "ci/github-actions.yml" : "ci/.gitlab-ci.yml" }
        var placed: String { self == .github ? ".github/workflows/mlops.yml" : ".gitlab-ci.yml" }
    }

    /// What `run_ci.py` reports.
    private struct Report: Decodable {
        struct Step: Decodable {
            var name: String
            var status: String
            var output: String?
            var uses: String?
            var with: [String: String]?
        }
        struct Received: Decodable {
            var path: String
            var token: String?
            var form: [String: String]
        }
        var steps: [Step]
        var received: [Received]
        var error: String?

        func step(_ prefix: String) -> Step? { steps.first { $0.name.hasPrefix(prefix) } }
    }

    @discardableResult
    private func mlops(
        _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) async throws -> CLIResult {
        let result = await CLIRunner.run(arguments, in: directory, environment: environment)
        try #require(result.exitCode == 0, "mlops \(arguments.joined(separator: " ")): \(result.standardError)")
        return result
    }

    private func runCI(
        _ system: System, event: String, in checkout: String, branch: String = "main",
        secrets: [String: String], environment: [String: String]
    ) throws -> Report {
        let settings = String(
            decoding: try JSONSerialization.data(withJSONObject: [
                "secrets": secrets, "variables": ["branch": branch],
            ]), as: UTF8.self)
        let result = try CLIRunner.execute(
            program: Fixtures.python,
            [
                Fixtures.projectRoot + "/Tests/MLOpsCLITests/Fixtures/run_ci.py", system.rawValue,
                checkout + "/" + system.placed, event, checkout, settings,
            ], in: checkout, environment: environment)
        guard let report = try? JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8)) else {
            Issue.record("run_ci.py \(system) \(event): \(result.standardOutput) \(result.standardError)")
            throw CancellationError()
        }
        let failed = report.steps.last { $0.status == "ran" }
        #expect(
            result.exitCode == 0 && report.error == nil,
            "\(system) \(event): \(report.error ?? "") \(failed?.output ?? "") \(result.standardError)")
        return report
    }

    @Test(arguments: System.allCases)
    func examplePipelinesRunStepByStep(_ system: System) async throws {
        try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto and PyYAML")
        let s3 = try S3TestServer()
        let work = try TemporaryDirectory()
        let origin = work.url("origin.git")
        try Fixtures.git(["init", "-q", "--bare", "-b", "main", origin], in: work.path)
        let bucket = "s3://\(s3.bucket)/\(UUID().uuidString.lowercased())"
        let credentials = ["AWS_ACCESS_KEY_ID": s3.accessKeyID, "AWS_SECRET_ACCESS_KEY": s3.secretAccessKey]

        // The project as its team keeps it: the auto-mpg pipeline, its data on S3, production's gates, the CI file.
        let developer = work.url("developer")
        try Fixtures.git(["clone", "-q", origin, developer], in: work.path)
        for file in ["mlops.yaml", "params.yaml", "prepare.py", "data/auto-mpg.csv"] {
            try FileManager.default.createDirectory(
                atPath: developer + "/" + (file as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: Fixtures.example("auto-mpg/" + file), toPath: developer + "/" + file)
        }
        try FileManager.default.createDirectory(
            atPath: developer + "/" + (system.placed as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Fixtures.example(system.example), toPath: developer + "/" + system.placed)
        try await mlops(["init"], in: developer)
        try await mlops(["add", "data/auto-mpg.csv"], in: developer)
        try await mlops(["remote", "add", "storage", bucket, "--endpoint-url", s3.endpoint], in: developer)
        let config = developer + "/.mlops/config.yaml"
        try Fixtures.write(
            try Fixtures.read(config) + """
                registry:
                  approval:
                    production:
                      data: data/holdout.csv
                      gates: ["rmse < 3.5"]
                      baseline: production
                      max_regression: ["rmse=5%"]
                      categorical: [origin]

                """, to: config)
        try await mlops(["push"], in: developer, environment: credentials)
        try Fixtures.git(["add", "-A"], in: developer)
        try Fixtures.git(["commit", "-qm", "The auto-mpg pipeline with CI"], in: developer)
        try Fixtures.git(["push", "-q", "origin", "main"], in: developer)

        // The runner finds this build's mlops on PATH (so the install step does nothing), and GitLab's push URL
        // reaches the bare repository.
        let gitConfig = work.url("gitconfig")
        try Fixtures.write(
            "[url \"\(origin)\"]\n\tinsteadOf = https://oauth2:glpat-test@gitlab.test/group/mpg.git\n", to: gitConfig)
        let environment = [
            "PATH": (CLIRunner.executable as NSString).deletingLastPathComponent + ":"
                + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "GIT_CONFIG_GLOBAL": gitConfig,
        ]
        let secrets = credentials.merging(["GITLAB_API_TOKEN": "glpat-test"]) { $1 }

        // A push to main: the model is registered, promoted through the gates, pushed, and its commit tagged.
        let first = work.url("ci-main")
        try Fixtures.git(["clone", "-q", origin, first], in: work.path)
        let release = try runCI(system, event: "main", in: first, secrets: secrets, environment: environment)
        #expect(release.step(system == .github ? "Register" : "release")?.status == "ran")
        let tags = try Fixtures.git(["ls-remote", "--tags", origin], in: work.path)
        #expect(tags.contains("refs/tags/mpg-pipeline-v1"), "\(tags)")
        let log = try Fixtures.git(["log", "--format=%s", "-1", "main"], in: origin)
        #expect(log.contains("mpg-pipeline@1 [skip ci]"), "\(log)")
        let device = try TemporaryDirectory()
        let fetched = try await mlops(
            [
                "model", "fetch", "mpg-pipeline@production", "--remote", bucket, "--endpoint-url", s3.endpoint,
                "--output", "m.tar.gz", "--json",
            ], in: device.path, environment: credentials)
        #expect((try fetched.json() as? [String: Any])?["resolved"] as? String == "mpg-pipeline@1")

        // A pull request that changes a parameter: brought up to date from the run cache, checked against
        // production, and the diff posted as Markdown.
        try Fixtures.git(["pull", "-q", "origin", "main"], in: developer)
        try Fixtures.git(["checkout", "-q", "-b", "fewer-leaves"], in: developer)
        let params = developer + "/params.yaml"
        try Fixtures.write(
            try Fixtures.read(params).replacingOccurrences(of: "max_leaves: 15", with: "max_leaves: 7"), to: params)
        try Fixtures.git(["commit", "-qam", "Fewer leaves"], in: developer)
        try Fixtures.git(["push", "-q", "origin", "fewer-leaves"], in: developer)
        let second = work.url("ci-review")
        try Fixtures.git(["clone", "-q", "--branch", "fewer-leaves", origin, second], in: work.path)
        let review = try runCI(
            system, event: "review", in: second, branch: "fewer-leaves", secrets: secrets, environment: environment)
        let evaluation = try #require(review.step(system == .github ? "Evaluate" : "evaluate"))
        #expect(evaluation.status == "ran")
        // `repro`'s table: what happened to each stage, first on its line.
        let outcomes = Dictionary(
            (evaluation.output ?? "").split(separator: "\n").compactMap { line -> (String, String)? in
                let words = line.split(separator: " ")
                return words.count >= 2 ? (String(words[1]), String(words[0])) : nil
            }, uniquingKeysWith: { first, _ in first })
        #expect(outcomes["prepare"] == "unchanged", "\(evaluation.output ?? "")")
        #expect(outcomes["train"] == "ran", "\(evaluation.output ?? "")")
        let markdown = try Fixtures.read(second + "/metrics.md")
        #expect(markdown.contains("| File | Key | origin/main | Workspace | Change |"), "\(markdown)")
        #expect(markdown.contains("| evaluation.json | metrics.rmse | "), "\(markdown)")
        #expect(markdown.contains("| params.yaml | train.max\\_leaves | 15 | 7 | -8 |"), "\(markdown)")
        switch system {
        case .github:
            let comment = try #require(review.step("Comment"))
            #expect(comment.status == "uses" && comment.with?["path"] == "metrics.md")
            #expect(review.step("Register")?.status == "skipped")
        case .gitlab:
            #expect(review.step("release")?.status == "skipped")
            let note = try #require(review.received.first)
            #expect(note.path == "/api/v4/projects/7/merge_requests/1/notes")
            #expect(note.token == "glpat-test")
            #expect(note.form["body"] == markdown)
        }
        // A push to main that changes nothing the pipeline reads (a README) runs clean: no commit, no new tag.
        let third = work.url("ci-again")
        try Fixtures.git(["clone", "-q", origin, third], in: work.path)
        _ = try runCI(system, event: "main", in: third, secrets: secrets, environment: environment)
        #expect(try Fixtures.git(["ls-remote", "--tags", origin], in: work.path) == tags)

        // Nothing was registered for the pull request, not even in its own checkout.
        let models = try await mlops(["model", "list", "--json"], in: second)
        let listed = try #require(try models.json() as? [[String: Any]])
        #expect(listed.map { "\($0["name"] ?? "")@\($0["latest"] ?? "")" } == ["mpg-pipeline@1"], "\(listed)")
    }
}
