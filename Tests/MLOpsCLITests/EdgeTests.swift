import Foundation
import MLOpsTestSupport
import Testing

/// A device without the project: `model fetch` brings the production model from a directory remote or moto's S3
/// server as a verified bundle (the bytes `export` writes in a clone), `predict --bundle` scores with it, and
/// `serve --bundle` answers as `serve` does and swaps in a fetched update under load without a failed request,
/// keeping the loaded model when the file is replaced by a damaged one.
@Suite(.serialized) struct EdgeTests {
    enum Kind: String, CaseIterable, Sendable { case path, s3 }

    static let features = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]

    /// A repository with `mpg@1` (gbdt) and `mpg@2` (linear), `production` on 1, pushed to a remote of `kind`;
    /// the `model fetch` arguments that reach the remote and the environment that holds its credentials.
    private func publishedRegistry(_ kind: Kind) async throws -> (
        origin: TemporaryDirectory, remote: [String], environment: [String: String], share: TemporaryDirectory,
        server: S3TestServer?
    ) {
        let learners = ["gbdt", "linear"].map {
            ["--model", $0, "--categorical", "origin"] + Self.features.flatMap { ["--feature", $0] }
        }
        let origin = try await Fixtures.registry(learners, production: 1).directory
        let share = try TemporaryDirectory()
        var add = ["remote", "add", "origin"]
        var fetch: [String]
        var environment: [String: String] = [:]
        var server: S3TestServer?
        switch kind {
        case .path:
            add.append(share.path)
            fetch = ["--remote", share.path]
        case .s3:
            let s3 = try S3TestServer()
            server = s3
            let url = "s3://\(s3.bucket)/\(UUID().uuidString.lowercased())"
            add += [
                url, "--endpoint-url", s3.endpoint, "--access-key-id", s3.accessKeyID, "--secret-access-key",
                s3.secretAccessKey,
            ]
            fetch = ["--remote", url, "--endpoint-url", s3.endpoint]
            environment = ["AWS_ACCESS_KEY_ID": s3.accessKeyID, "AWS_SECRET_ACCESS_KEY": s3.secretAccessKey]
        }
        try await succeed(add, in: origin.path)
        try await succeed(["push"], in: origin.path)
        return (origin, fetch, environment, share, server)
    }

    @discardableResult
    private func succeed(
        _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) async throws -> CLIResult {
        let result = await CLIRunner.run(arguments, in: directory, environment: environment)
        try #require(
            result.exitCode == 0, "mlops \(arguments.joined(separator: " ")): \(result.standardError)")
        return result
    }

    /// The first `count` rows of auto-mpg as a CSV file in `directory`, and as records.
    private func sample(_ count: Int, in directory: TemporaryDirectory, from source: String) throws -> [[String:
        String]]
    {
        let lines = try Fixtures.read(source).split(separator: "\n").prefix(count + 1)
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: directory.url("sample.csv"))
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(
                uniqueKeysWithValues: zip(
                    header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    private static func v2Body(_ rows: [[String: String]]) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "inputs": features.map { name -> [String: Any] in
                [
                    "name": name, "shape": [rows.count], "datatype": name == "origin" ? "BYTES" : "FP64",
                    "data": rows.map { row -> Any in
                        name == "origin" ? row[name] ?? "" : Double(row[name] ?? "") ?? NSNull()
                    },
                ]
            }
        ])
    }

    private static func prediction(_ answer: RunningServer.Answer) throws -> Double {
        let outputs = try #require(try answer.json()["outputs"] as? [[String: Any]])
        return try #require((outputs.first?["data"] as? [Double])?.first)
    }

    /// The predictions `predict` writes to `file` in `directory`, first column.
    private static func predictions(_ file: String, in directory: TemporaryDirectory) throws -> [Double] {
        try Fixtures.read(directory.url(file)).split(separator: "\n").dropFirst()
            .map { try #require(Double($0.split(separator: ",")[0])) }
    }

    @Test(arguments: Kind.allCases)
    func deviceFollowsProductionThroughTheRemote(_ kind: Kind) async throws {
        if kind == .s3 { try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto") }
        let published = try await publishedRegistry(kind)
        let origin = published.origin
        let device = try TemporaryDirectory()
        let rows = try sample(40, in: device, from: origin.url("auto-mpg.csv"))
        let fetch =
            ["model", "fetch", "mpg@production"] + published.remote + ["--output", "mpg.tar.gz", "--json"]

        // The fetched bundle is the one a clone exports, and scores as the registry's version does.
        let first = try await succeed(fetch, in: device.path, environment: published.environment)
        let firstPayload = try #require(try first.json() as? [String: Any])
        #expect(firstPayload["resolved"] as? String == "mpg@1")
        #expect(firstPayload["changed"] as? Bool == true)
        try await succeed(["export", "mpg@production", "--output", "exported.tar.gz"], in: origin.path)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: device.url("mpg.tar.gz")))
                == Data(contentsOf: URL(fileURLWithPath: origin.url("exported.tar.gz"))))
        try await succeed(
            ["predict", "--bundle", "mpg.tar.gz", "--data", "sample.csv", "--output", "bundle.csv"], in: device.path)
        try await succeed(
            ["predict", "mpg@1", "--data", device.url("sample.csv"), "--output", device.url("registry-1.csv")],
            in: origin.path)
        try await succeed(
            ["predict", "mpg@2", "--data", device.url("sample.csv"), "--output", device.url("registry-2.csv")],
            in: origin.path)
        let expected = [
            "mpg@1": try Self.predictions("registry-1.csv", in: device),
            "mpg@2": try Self.predictions("registry-2.csv", in: device),
        ]
        #expect(try Self.predictions("bundle.csv", in: device) == expected["mpg@1"])
        #expect(!FileManager.default.fileExists(atPath: device.url(".mlops")), "no repository on the device")

        // Serving the file: clients keep asking while production moves and the device fetches the update.
        let server = try RunningServer(
            ["--bundle", "mpg.tar.gz", "--poll", "0.05", "--drift-interval", "0.1"], in: device.path)
        let body = try Self.v2Body([rows[0]])
        let tally = AnswerTally()
        let load = tally.keepAsking(server, path: "/v2/models/mpg/infer", body: body) { answer, version in
            abs(try Self.prediction(answer) - (expected[version]?[0] ?? .nan)) < 1e-9
        }
        #expect(try await tally.wait(until: "mpg@1", reaches: 20), "\(tally.counts)")
        try await succeed(["model", "promote", "mpg@2", "--to", "production"], in: origin.path)
        try await succeed(["push"], in: origin.path)
        let second = try await succeed(fetch, in: device.path, environment: published.environment)
        #expect((try second.json() as? [String: Any])?["resolved"] as? String == "mpg@2")
        #expect(try await tally.wait(until: "mpg@2", reaches: 20), "\(tally.counts)")

        // Live drift follows the swap: the version swapped out has no drift gauges left to alert on.
        var drifted = ""
        for _ in 0..<100 {
            drifted = try await server.request("GET", "/metrics").text.split(separator: "\n")
                .filter { $0.hasPrefix("mlops_dataset_drift_share") }.joined(separator: "\n")
            if drifted.contains("version=\"2\"") && !drifted.contains("version=\"1\"") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(drifted.contains("version=\"2\"") && !drifted.contains("version=\"1\""), "\(drifted)")

        // A damaged file put in its place is refused; the loaded model keeps answering.
        try Fixtures.write("not a bundle", to: device.url("damaged.tar.gz"))
        #expect(rename(device.url("damaged.tar.gz"), device.url("mpg.tar.gz")) == 0)
        let refused = try #require(server.waitForEvent("refresh_failed", timeout: 30))
        #expect((refused["message"] as? String)?.contains("not a gzip-compressed tar archive") == true)
        let servedBefore = tally.counts["mpg@2", default: 0]
        #expect(try await tally.wait(until: "mpg@2", reaches: servedBefore + 20), "\(tally.counts)")
        // So is a FIFO, without blocking the server (a reader would wait for a writer forever).
        #expect(mkfifo(device.url("fifo"), 0o600) == 0)
        #expect(rename(device.url("fifo"), device.url("mpg.tar.gz")) == 0)
        let fifo = server.waitForEvent("refresh_failed", timeout: 30) {
            ($0["message"] as? String)?.contains("not a regular file") == true
        }
        #expect(fifo != nil, "a FIFO in the bundle's place is reported")
        let servedAfter = tally.counts["mpg@2", default: 0]
        #expect(try await tally.wait(until: "mpg@2", reaches: servedAfter + 20), "\(tally.counts)")
        tally.stop()
        try await load.value
        #expect(Set(tally.counts.keys) == ["mpg@1", "mpg@2"], "no failed or wrong answers: \(tally.counts)")

        // No prediction log on a device: feedback says why instead of pretending.
        let feedback = try await server.request("POST", "/feedback", json: ["id": "x", "label": 1])
        #expect(feedback.status == 404)
        #expect(feedback.text.contains("keeps no prediction log"))
        let events = server.stop()
        let swaps = events.filter { $0["event"] as? String == "swapped" }.map {
            [$0["previous"] as? Int, $0["version"] as? Int]
        }
        #expect(swaps == [[1, 2]], "\(events)")

        // Fetching again restores the file (the FIFO removed first: writing to one waits for its reader); a fetch
        // with nothing new leaves it alone.
        #expect(unlink(device.url("mpg.tar.gz")) == 0)
        try await succeed(fetch, in: device.path, environment: published.environment)
        let again = try await succeed(fetch, in: device.path, environment: published.environment)
        #expect((try again.json() as? [String: Any])?["changed"] as? Bool == false)
    }

    @Test func bundleRefusalsWriteNothing() async throws {
        let published = try await publishedRegistry(.path)
        let device = try TemporaryDirectory()
        _ = try sample(5, in: device, from: published.origin.url("auto-mpg.csv"))
        try await succeed(
            ["model", "fetch", "mpg@production"] + published.remote + ["--output", "mpg.tar.gz"], in: device.path)

        // A crafted bundle (its manifest edited, checksums recomputed): refused before anything is written.
        let edited = await CLIRunner.run(
            ["predict", "--bundle", "edited.tar.gz", "--data", "sample.csv", "--output", "out.csv"], in: device.path)
        #expect(edited.exitCode == 8, "no such file: \(edited.standardError)")
        let tampered = try Fixtures.runChecker(
            "edit_bundle.py", [device.url("mpg.tar.gz"), device.url("edited.tar.gz"), "signature/target=price"])
        #expect(tampered.exitCode == 0, "\(tampered.standardError)")
        for arguments in [
            ["predict", "--bundle", "edited.tar.gz", "--data", "sample.csv", "--output", "out.csv"],
            ["serve", "--bundle", "edited.tar.gz", "--port", "0"],
        ] {
            let refused = try CLIRunner.execute(arguments, in: device.path)
            #expect(refused.exitCode == 65, "\(arguments): \(refused.standardError)")
            #expect(
                refused.standardError.contains("the manifest's signature is not the model's"),
                "\(refused.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: device.url("out.csv")))

        // Outputs that would destroy an input or a repository's internals are refused before anything is written.
        try FileManager.default.createSymbolicLink(atPath: device.url("linked.csv"), withDestinationPath: "sample.csv")
        let repository = try await Fixtures.experimentRepository()
        try FileManager.default.createSymbolicLink(
            atPath: device.url("gitdir"), withDestinationPath: repository.url(".git"))
        for (output, problem) in [
            ("mpg.tar.gz", "is the file being read"), ("sample.csv", "is the file being read"),
            (repository.url(".git/HEAD"), "inside .git/"), ("gitdir/HEAD", "inside .git/"),
        ] {
            let refused = await CLIRunner.run(
                ["predict", "--bundle", "mpg.tar.gz", "--data", "linked.csv", "--output", output], in: device.path)
            #expect(refused.exitCode == 65 && refused.standardError.contains(problem), "\(output): \(refused)")
        }
        let intoGit = await CLIRunner.run(
            ["model", "fetch", "mpg@production"] + published.remote + ["--output", "gitdir/m.tar.gz"], in: device.path)
        #expect(intoGit.exitCode == 65 && intoGit.standardError.contains("inside .git/"), "\(intoGit)")
        #expect(try Fixtures.git(["status", "--short"], in: repository.path).isEmpty)
        #expect(try Fixtures.sha256sum(device.url("sample.csv")) == (try Fixtures.sha256sum(device.url("linked.csv"))))
        // A link to a stream is written through, never replaced.
        try FileManager.default.createSymbolicLink(atPath: device.url("null"), withDestinationPath: "/dev/null")
        try await succeed(
            ["model", "fetch", "mpg@production"] + published.remote + ["--output", "null"], in: device.path)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: device.url("null")) == "/dev/null")

        // A FIFO in a bundle's place is refused at once instead of blocking the reader.
        #expect(mkfifo(device.url("pipe.tar.gz"), 0o600) == 0)
        let pipe = await CLIRunner.run(
            ["predict", "--bundle", "pipe.tar.gz", "--data", "sample.csv"], in: device.path)
        #expect(pipe.exitCode == 65 && pipe.standardError.contains("not a regular file"), "\(pipe)")

        // A damaged profile on the remote fails the fetch (exit 7) and leaves the bundle as it was, rather than
        // writing one without it.
        let before = try Data(contentsOf: URL(fileURLWithPath: device.url("mpg.tar.gz")))
        let manifest = try #require(
            (try await succeed(
                ["model", "fetch", "mpg@production"] + published.remote + ["--output", "copy.tar.gz", "--json"],
                in: device.path
            ).json() as? [String: Any])?["manifest"] as? [String: Any])
        let profile = try #require((manifest["files"] as? [String: String])?["profile.json"])
        let hex = String(profile.dropFirst("sha256:".count))
        let object = published.share.url("sha256/\(hex.prefix(2))/\(hex.dropFirst(2))")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: object)
        try Fixtures.write("not the profile", to: object)
        let damaged = await CLIRunner.run(
            ["model", "fetch", "mpg@production"] + published.remote + ["--output", "mpg.tar.gz"], in: device.path)
        #expect(damaged.exitCode == 7, "\(damaged.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: device.url("mpg.tar.gz"))) == before)

        // What the remote lacks, and references a device cannot fetch, are named with the fix.
        let nowhere = await CLIRunner.run(
            ["model", "fetch", "mpg@production", "--remote", "no-such-share", "--output", "x.tar.gz"], in: device.path)
        #expect(nowhere.exitCode == 8 && nowhere.standardError.contains("is not a directory"), "\(nowhere)")
        let missing = await CLIRunner.run(
            ["model", "fetch", "mpg@staging"] + published.remote + ["--output", "staging.tar.gz"], in: device.path)
        #expect(missing.exitCode == 8)
        #expect(missing.standardError.contains("has no mpg@staging"), "\(missing.standardError)")
        let run = await CLIRunner.run(
            ["model", "fetch", "run:0123"] + published.remote + ["--output", "run.tar.gz"], in: device.path)
        #expect(run.exitCode == 64, "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: device.url("staging.tar.gz")))
        let both = await CLIRunner.run(["serve", "mpg@production", "--bundle", "mpg.tar.gz"], in: device.path)
        #expect(both.exitCode == 64, "\(both.standardError)")
        let scratch = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix("mlops-fetch-\(getpid())-") }
        #expect(scratch.isEmpty, "fetches remove their throwaway repository: \(scratch)")
    }
}
