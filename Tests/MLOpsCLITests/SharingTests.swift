import Foundation
import MLOpsTestSupport
import Testing

/// Runs and the registry travelling through a directory remote and moto's S3 server: clones converge, concurrent
/// promotions and registrations merge without loss, a server follows the remote under load, a killed push
/// completes when re-run, and tampered records are refused.
@Suite(.serialized) struct SharingTests {
    enum Kind: String, CaseIterable, Sendable { case path, s3 }

    /// A remote and the `remote add` arguments that reach it.
    private struct Remote {
        let share: TemporaryDirectory
        let server: S3TestServer?
        let arguments: [String]

        init(_ kind: Kind) throws {
            share = try TemporaryDirectory()
            switch kind {
            case .path:
                server = nil
                arguments = [share.path]
            case .s3:
                let server = try S3TestServer()
                self.server = server
                arguments = [
                    "s3://\(server.bucket)/\(UUID().uuidString.lowercased())", "--endpoint-url", server.endpoint,
                    "--access-key-id", server.accessKeyID, "--secret-access-key", server.secretAccessKey,
                ]
            }
        }
    }

    private static let features = Fixtures.fiveFeatures("linear")

    @discardableResult
    private func succeed(_ arguments: [String], in directory: TemporaryDirectory) async -> CLIResult {
        let result = await CLIRunner.run(arguments, in: directory.path)
        #expect(result.exitCode == 0, "mlops \(arguments.joined(separator: " ")): \(result.standardError)")
        return result
    }

    /// Repository A: auto-mpg tracked, the remote as default (committed), three runs, `mpg@1…3` registered
    /// through the remote and `production` on 1.
    private func origin(_ remote: Remote) async throws -> (TemporaryDirectory, [String]) {
        let directory = try await Fixtures.experimentRepository()
        await succeed(["remote", "add", "origin"] + remote.arguments, in: directory)
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "remote"], in: directory.path)
        var runs: [String] = []
        for seed in 1...3 {
            let run = try await Fixtures.trainedRun(
                Self.features + ["--param", "l2=\(seed)", "--test-fraction", "0.\(seed)"], in: directory)
            let registered = await succeed(
                ["model", "register", "run:" + run, "--name", "mpg", "--json"], in: directory)
            let payload = try registered.json() as? [String: Any]
            #expect(payload?["numbering"] as? String == "remote")
            #expect(payload?["version"] as? Int == seed)
            runs.append(run)
        }
        await succeed(["model", "promote", "mpg@1", "--to", "production", "--reason", "first"], in: directory)
        return (directory, runs)
    }

    /// A git clone of `origin` with its local credentials: no cache, no records.
    private func clone(_ origin: TemporaryDirectory) throws -> TemporaryDirectory {
        let clone = try TemporaryDirectory()
        try FileManager.default.removeItem(atPath: clone.path)
        try Fixtures.git(["clone", "-q", origin.path, clone.path], in: origin.path)
        let local = origin.url(".mlops/config.local.yaml")
        if FileManager.default.fileExists(atPath: local) {
            try FileManager.default.copyItem(atPath: local, toPath: clone.url(".mlops/config.local.yaml"))
        }
        return clone
    }

    /// What two clones must agree on.
    private func view(of directory: TemporaryDirectory) async throws -> [String] {
        [
            await succeed(["runs", "list", "--json"], in: directory).standardOutput,
            await succeed(["model", "history", "mpg", "--json"], in: directory).standardOutput,
            await succeed(["model", "list", "--json"], in: directory).standardOutput,
            await succeed(["predict", "mpg@production", "--data", "auto-mpg.csv"], in: directory).standardOutput,
        ]
    }

    @Test(arguments: Kind.allCases) func clonesConvergeAndConcurrentMovesStayVisible(_ kind: Kind) async throws {
        let remote = try Remote(kind)
        let (a, runs) = try await origin(remote)
        await succeed(["runs", "tag", runs[0], "reviewed=yes"], in: a)
        let pushed = try await succeed(["push", "--json"], in: a).json() as? [String: Any]
        let records = pushed?["records"] as? [String: Any]
        #expect(records?["runs"] as? Int == 3, "\(String(describing: pushed))")
        let b = try clone(a)
        let pulled = try await succeed(["pull", "--json"], in: b).json() as? [String: Any]
        #expect((pulled?["fetched"] as? [String: Any])?["records"] != nil, "\(String(describing: pulled))")
        #expect(try await view(of: b) == view(of: a), "B sees what A recorded, byte for byte")
        let inSync = try await succeed(["status", "--remote", "--json"], in: b).json() as? [String: Any]
        #expect(
            (inSync?["records"] as? [String: Int]) == [
                "runs_not_pushed": 0, "events_not_pushed": 0, "entries_not_fetched": 0,
            ], "\(String(describing: inSync))")

        // A tag on a published run, and its deletion, travel as events of their own.
        await succeed(["runs", "tag", runs[1], "note=later"], in: a)
        await succeed(["runs", "delete", runs[2]], in: a)
        // Both promote without fetching first, then both push and both fetch.
        await succeed(["model", "promote", "mpg@2", "--to", "production", "--reason", "from A"], in: a)
        await succeed(["model", "promote", "mpg@3", "--to", "production", "--reason", "from B"], in: b)
        await succeed(["push", "--metadata"], in: a)
        await succeed(["push", "--metadata"], in: b)
        await succeed(["fetch", "--metadata"], in: a)
        await succeed(["fetch"], in: b)
        #expect(try await view(of: a) == view(of: b), "same runs, holder and history on both")
        let history = try await succeed(["model", "history", "mpg", "--json"], in: a).decode(
            [Payload.RegistryEvent].self)
        let moves = history.filter { $0.event == "promote" }
        #expect(moves.map(\.reason) == ["first", "from A", "from B"])
        #expect(moves.map(\.toVersion) == [1, 2, 3])
        let raw = try await succeed(["model", "history", "mpg", "--json"], in: a).json() as? [[String: Any]]
        #expect(raw?.map { $0["concurrent"] as? Bool } == [false, false, false, false, false, true])
        let list = try await succeed(["model", "list", "--json"], in: b).json() as? [[String: Any]]
        #expect((list?.first?["aliases"] as? [String: Int])?["production"] == 3, "the later push holds the alias")
        let run = try await succeed(["runs", "show", runs[1], "--json"], in: b).json() as? [String: Any]
        #expect((run?["tags"] as? [String: String])?["note"] == "later")
        let left = try await succeed(["runs", "list", "--json"], in: b).decode([Payload.Run].self)
        #expect(Set(left.map(\.id)) == Set(runs.prefix(2)), "the deletion reached B")
    }

    @Test(arguments: Kind.allCases) func registrationsNeverShareANumber(_ kind: Kind) async throws {
        let remote = try Remote(kind)
        let (a, runs) = try await origin(remote)
        await succeed(["push"], in: a)
        let b = try clone(a)
        await succeed(["pull"], in: b)
        // Four registrations at once from two clones, as real processes, each numbered through the remote.
        let launched = try (0..<4).map { index in
            try CLIRunner.launchCapturing(
                ["model", "register", "run:" + runs[index % 3], "--name", "mpg", "--json"],
                in: (index % 2 == 0 ? a : b).path)
        }
        let numbers = try launched.map { process -> Int in
            let result = process.wait()
            #expect(result.exitCode == 0, "\(result.standardError)")
            return try #require((try result.json() as? [String: Any])?["version"] as? Int)
        }
        #expect(Set(numbers) == [4, 5, 6, 7], "\(numbers)")
        // Offline, B takes a number A then publishes first: B's push renumbers its version and says so.
        let pulled = await succeed(["pull", "--metadata"], in: b)
        #expect(pulled.standardOutput.hasPrefix("Merged") && !pulled.standardOutput.contains("Checked out"))
        let offline = await succeed(["model", "register", "run:" + runs[0], "--name", "mpg", "--offline"], in: b)
        #expect(offline.standardOutput.contains("mpg@8") && offline.standardOutput.contains("provisional"))
        await succeed(["model", "promote", "mpg@8", "--to", "staging"], in: b)
        await succeed(["model", "register", "run:" + runs[1], "--name", "mpg"], in: a)
        let pushed = await succeed(["push", "--metadata"], in: b)
        #expect(
            pushed.standardOutput.contains("mpg@8, registered offline here, is now mpg@9"), "\(pushed.standardOutput)")
        await succeed(["fetch", "--metadata"], in: a)
        for directory in [a, b] {
            let rows = try #require(
                try await succeed(["model", "show", "mpg", "--json"], in: directory).json() as? [[String: Any]])
            #expect(rows.compactMap { $0["version"] as? Int }.sorted() == Array(1...9))
            let staging = rows.first { ($0["aliases"] as? [String])?.contains("staging") == true }
            #expect(staging?["version"] as? Int == 9, "the renumbered version keeps its alias")
        }
        let objects = { (directory: TemporaryDirectory) async throws -> [String] in
            let shown = try await self.succeed(["model", "show", "mpg", "--json"], in: directory).json()
            return (shown as? [[String: Any]] ?? []).map {
                "\($0["version"] ?? "") \($0["oid"] ?? "") \($0["run_id"] ?? "")"
            }
        }
        #expect(try await objects(a) == objects(b), "each number names the same model on both clones")
    }

    @Test func aServerFollowsPromotionsFromAnotherClone() async throws {
        let remote = try Remote(.s3)
        let server3 = try #require(remote.server)
        let (a, _) = try await origin(remote)
        await succeed(["push"], in: a)
        // A production machine: no clone, just a repository and the remote.
        let production = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: production.path)
        await succeed(["init", "-q"], in: production)
        await succeed(["remote", "add", "origin"] + remote.arguments, in: production)
        try server3.command("reset")
        let server = try RunningServer(
            ["mpg@production", "--follow-remote", "--remote-poll", "0.2", "--poll", "0.05"], in: production.path)
        let body = try JSONSerialization.data(withJSONObject: [
            "dataframe_records": [["cylinders": 8, "weight": 3504, "year": 70, "origin": "1", "horsepower": 130]]
        ])
        let tally = AnswerTally()
        let load = tally.keepAsking(server, path: "/invocations", body: body, clients: 3)
        #expect(try await tally.wait(until: "mpg@1", reaches: 20), "\(tally.counts)")
        await succeed(["model", "promote", "mpg@3", "--to", "production"], in: a)
        await succeed(["push", "--metadata"], in: a)
        #expect(try await tally.wait(until: "mpg@3", reaches: 20), "\(tally.counts)")
        // The remote goes down: the server keeps answering with what it has and says why once.
        try server3.command("down")
        #expect(server.waitForEvent("refresh_failed", timeout: 30)?["route"] as? String == "remote")
        let before = tally.counts["mpg@3", default: 0]
        #expect(try await tally.wait(until: "mpg@3", reaches: before + 20), "\(tally.counts)")
        try server3.command("up")
        tally.stop()
        try await load.value
        #expect(Set(tally.counts.keys) == ["mpg@1", "mpg@3"], "no failed request: \(tally.counts)")
        // Following needs nothing but reads, so a read-only credential is enough: with A done, every request the
        // remote sees for a while is the server's.
        try server3.command("reset")
        try await Task.sleep(for: .seconds(1))
        let counts = try server3.command("count")
        #expect(counts.requests > 0 && Set(counts.byMethod.keys).isSubset(of: ["GET", "HEAD"]), "\(counts.byMethod)")
        let events = server.stop()
        let swaps = events.filter { $0["event"] as? String == "swapped" }.map { $0["version"] as? Int }
        #expect(swaps == [3], "\(events)")
    }

    @Test func aKilledMetadataPushCompletesWhenRunAgain() async throws {
        let remote = try Remote(.path)
        let directory = try await Fixtures.experimentRepository()
        await succeed(["remote", "add", "origin"] + remote.arguments, in: directory)
        try Fixtures.git(["commit", "-qam", "remote"], in: directory.path)
        for index in 0..<60 {
            let run = try await succeed(["run", "--name", "r\(index)", "--json", "--", "true"], in: directory).json()
            let id = try #require((run as? [String: Any])?["run_id"] as? String)
            await succeed(["runs", "tag", id, "n=\(index)"], in: directory)
        }
        let random = TestRandom()
        var interrupted = 0
        for round in 0..<4 {
            let push = try CLIRunner.launch(["push", "--metadata"], in: directory.path)
            usleep(UInt32(random.integer(in: 2_000...40_000) + 10_000 * round))
            kill(push.processIdentifier, SIGKILL)
            push.waitUntilExit()
            if push.terminationReason == .uncaughtSignal { interrupted += 1 }
            // Whatever was written is whole: every entry is a complete document.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: remote.share.url("metadata/log"))) ?? [] {
                let data = try Data(contentsOf: URL(fileURLWithPath: remote.share.url("metadata/log/" + name)))
                #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "entry \(name) is partial")
            }
        }
        #expect(interrupted > 0, "every push ended before its kill: the test proved nothing")
        await succeed(["push", "--metadata"], in: directory)
        let status = try await succeed(["status", "--remote", "--json"], in: directory).json() as? [String: Any]
        #expect((status?["records"] as? [String: Int])?["runs_not_pushed"] == 0)
        let clone = try self.clone(directory)
        await succeed(["fetch", "--metadata"], in: clone)
        let runs = try await succeed(["runs", "list", "--json"], in: clone).decode([Payload.Run].self)
        #expect(runs.count == 60)
        let numbers: Set<String> = Set(runs.map { $0.tags["n"] ?? "" })
        #expect(numbers == Set((0..<60).map { String($0) }))
    }

    @Test func tamperedRecordsAreRefusedAndNothingIsMerged() async throws {
        let remote = try Remote(.path)
        let (a, runs) = try await origin(remote)
        await succeed(["push"], in: a)
        await succeed(["model", "promote", "mpg@2", "--to", "production"], in: a)
        await succeed(["push", "--metadata"], in: a)
        let record = remote.share.url("metadata/runs/\(runs[0]).json")
        let original = try Fixtures.read(record)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: record)
        try Fixtures.write(original.replacingOccurrences(of: "\"finished\"", with: "\"failed\""), to: record)
        let b = try clone(a)
        let refused = await CLIRunner.run(["fetch", "--metadata"], in: b.path)
        #expect(refused.exitCode == 7, "\(refused.standardError)")
        #expect(refused.standardError.contains("run \(runs[0])"), "\(refused.standardError)")
        #expect(
            (try await succeed(["runs", "list", "--json"], in: b).json() as? [Any])?.isEmpty == true,
            "nothing was merged")
        try Fixtures.write(original, to: record)
        // An earlier entry rewritten (still valid JSON) breaks the chain at the next one.
        let first = remote.share.url("metadata/log/000000000001")
        let entry = try Fixtures.read(first)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: first)
        try Fixtures.write(entry.replacingOccurrences(of: "\"toVersion\":1", with: "\"toVersion\":7"), to: first)
        #expect(try Fixtures.read(first) != entry)
        let broken = await CLIRunner.run(["fetch", "--metadata"], in: b.path)
        #expect(broken.exitCode == 7, "\(broken.standardError)")
        #expect(
            (try await succeed(["model", "list", "--json"], in: b).json() as? [Any])?.isEmpty == true,
            "nothing was merged")
        try Fixtures.write(entry, to: first)
        await succeed(["fetch", "--metadata"], in: b)
        #expect(
            try await succeed(["model", "history", "mpg", "--json"], in: b).standardOutput
                == succeed(["model", "history", "mpg", "--json"], in: a).standardOutput)

        // A well-chained entry whose event lacks what its kind needs: checked before anything is merged, so a
        // fresh clone gets none of the good entries' runs either.
        let log = remote.share.url("metadata/log")
        let last = try #require(try FileManager.default.contentsOfDirectory(atPath: log).max())
        let next = String(format: "%012d", (Int(last) ?? 0) + 1)
        try Fixtures.write(
            """
            {"events":[{"actor":"x","atNs":1,"id":"01a24ade-0000-7000-8000-000000000000","kind":"promote",\
            "model":"mpg"}],"format":1,"position":\(Int(next) ?? 0),"previous":"\(try Fixtures.sha256sum(log + "/" + last))",\
            "pushedBy":"x","pushedNs":1,"runs":[]}
            """, to: log + "/" + next)
        let c = try clone(a)
        let malformed = await CLIRunner.run(["fetch", "--metadata"], in: c.path)
        #expect(malformed.exitCode == 7, "\(malformed.standardError)")
        #expect(malformed.standardError.contains("promote event"), "\(malformed.standardError)")
        #expect((try await succeed(["runs", "list", "--json"], in: c).json() as? [Any])?.isEmpty == true)
    }
}
