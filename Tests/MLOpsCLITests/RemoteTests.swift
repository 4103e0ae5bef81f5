import Foundation
import MLOpsTestSupport
import Testing

/// `remote`, `push`, `fetch`, `pull` and `status --remote` against a directory remote and a real S3 API server
/// (moto, which checks Signature V4) on 127.0.0.1. Both kinds run the same conformance test; S3 adds the AWS
/// CLI as an independent reader, request counting, a 503 burst, a server that stops mid-push, and bad
/// credentials.
@Suite(.serialized) struct RemoteTests {
    enum Kind: String, CaseIterable, Sendable { case path, s3 }

    /// A git repository with tracked data (a directory of `count` small files and a CSV) committed.
    private func origin(files count: Int = 40) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: directory.path)
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        try FileManager.default.createDirectory(atPath: directory.url("data/images"), withIntermediateDirectories: true)
        for index in 0..<count {
            try Fixtures.write(
                String(repeating: "image \(index) ", count: 50 + index), to: directory.url("data/images/\(index).txt"))
        }
        try FileManager.default.copyItem(
            atPath: Fixtures.example("auto-mpg/data/auto-mpg.csv"), toPath: directory.url("data/auto-mpg.csv"))
        let added = await CLIRunner.run(["add", "-q", "data/images", "data/auto-mpg.csv"], in: directory.path)
        #expect(added.exitCode == 0, "\(added.standardError)")
        return directory
    }

    private func addRemote(
        _ kind: Kind, to directory: TemporaryDirectory, share: TemporaryDirectory, server: S3TestServer?,
        name: String = "storage"
    ) async throws {
        let arguments: [String]
        switch kind {
        case .path: arguments = [share.path]
        case .s3:
            let server = try #require(server)
            arguments = [
                "s3://\(server.bucket)/\(UUID().uuidString.lowercased())/cache", "--endpoint-url", server.endpoint,
                "--access-key-id", server.accessKeyID, "--secret-access-key", server.secretAccessKey,
            ]
        }
        let added = await CLIRunner.run(["remote", "add", name, "--force"] + arguments, in: directory.path)
        #expect(added.exitCode == 0, "\(added.standardError)")
    }

    /// A clone of `origin` (git only: no cache) with the same remote and credentials.
    private func clone(_ origin: TemporaryDirectory) throws -> TemporaryDirectory {
        try Fixtures.git(["add", "-A"], in: origin.path)
        try Fixtures.git(["commit", "-qm", "data", "--allow-empty"], in: origin.path)
        let clone = try TemporaryDirectory()
        try FileManager.default.removeItem(atPath: clone.path)
        _ = try Fixtures.git(["clone", "-q", origin.path, clone.path], in: origin.path)
        let local = origin.url(".mlops/config.local.yaml")
        if FileManager.default.fileExists(atPath: local) {
            try FileManager.default.copyItem(atPath: local, toPath: clone.url(".mlops/config.local.yaml"))
        }
        return clone
    }

    /// Replaces object `id` (64 hex digits) on the remote that `repository` pushes to with `bytes`, behind the
    /// tool's back.
    private func overwrite(
        _ id: String, with bytes: Data, on kind: Kind, share: TemporaryDirectory, server: S3TestServer?,
        configuredIn repository: TemporaryDirectory
    ) throws {
        let key = "sha256/\(id.prefix(2))/\(id.dropFirst(2))"
        switch kind {
        case .path:
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: share.url(key))
            try bytes.write(to: URL(fileURLWithPath: share.url(key)))
        case .s3:
            let server = try #require(server)
            let file = repository.url("replacement.bin")
            try bytes.write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let remoteURL = try #require(
                try Fixtures.read(repository.url(".mlops/config.yaml")).split(separator: "\n")
                    .first { $0.contains("url: s3://") }?.split(separator: " ").last.map(String.init))
            let copied = try server.aws(["s3", "cp", file, "\(remoteURL)/\(key)"])
            #expect(copied.exitCode == 0, "\(copied.standardError)")
        }
    }

    private func json(_ result: CLIResult) throws -> [String: Any] {
        try #require(try result.json() as? [String: Any], "\(result.standardOutput) \(result.standardError)")
    }

    @Test(arguments: Kind.allCases)
    func pushFetchPullRoundTripAndVerify(_ kind: Kind) async throws {
        if kind == .s3 { try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto") }
        let server = kind == .s3 ? try S3TestServer() : nil
        let share = try TemporaryDirectory()
        let origin = try await origin()
        try await addRemote(kind, to: origin, share: share, server: server)

        let before = try await CLIRunner.run(["status", "--remote", "--json"], in: origin.path)
            .decode(Payload.RemoteStatus.self)
        #expect(before.targets.map(\.notPushed).reduce(0, +) == 42)  // 40 files + the manifest + the CSV
        let pushed = try json(await CLIRunner.run(["push", "--json"], in: origin.path))
        #expect(pushed["transferred"] as? Int == 42)
        let again = try json(await CLIRunner.run(["push", "--json"], in: origin.path))
        #expect(again["transferred"] as? Int == 0 && again["already_present"] as? Int == 42)
        #expect(await CLIRunner.run(["status", "--remote", "--exit-code"], in: origin.path).exitCode == 0)

        let clone = try clone(origin)
        let status = try await CLIRunner.run(["status", "--remote", "--json"], in: clone.path)
            .decode(Payload.RemoteStatus.self)
        #expect(status.targets.map(\.notFetched).reduce(0, +) == 41)  // status fetched the directory manifest
        let pulled = await CLIRunner.run(["pull", "--json"], in: clone.path)
        #expect(pulled.exitCode == 0, "\(pulled.standardError)")
        for file in ["data/auto-mpg.csv", "data/images/0.txt", "data/images/39.txt"] {
            #expect(try Fixtures.sha256sum(clone.url(file)) == Fixtures.sha256sum(origin.url(file)), "\(file)")
        }
        #expect(await CLIRunner.run(["status", "--exit-code"], in: clone.path).exitCode == 0)
        #expect(await CLIRunner.run(["fsck"], in: clone.path).exitCode == 0)

        // A tampered object on the remote is detected, reported (exit 7) and never enters the cache; the
        // others are fetched.
        let csvID = try #require(
            Fixtures.read(origin.url("data/auto-mpg.csv.mlops")).split(separator: "\n")
                .first { $0.contains("sha256:") }.map { String($0[$0.range(of: "sha256:")!.upperBound...].prefix(64)) })
        try overwrite(csvID, with: Data("tampered".utf8), on: kind, share: share, server: server, configuredIn: origin)
        let fresh = try self.clone(origin)
        let fetched = await CLIRunner.run(["fetch"], in: fresh.path)
        #expect(fetched.exitCode == 7, "\(fetched.standardError)")
        #expect(fetched.standardError.contains("corrupt and were not used"))
        #expect(
            !FileManager.default.fileExists(
                atPath: fresh.url(".mlops/objects/sha256/\(csvID.prefix(2))/\(csvID.dropFirst(2))")))
        #expect(FileManager.default.fileExists(atPath: fresh.url(".mlops/objects/sha256")))
        let checkout = await CLIRunner.run(["checkout", "data/images"], in: fresh.path)
        #expect(checkout.exitCode == 0, "the files that were intact arrived: \(checkout.standardError)")
        let fsck = try json(await CLIRunner.run(["fsck", "--json"], in: fresh.path))
        #expect((fsck["corrupt"] as? [Any])?.isEmpty == true, "nothing corrupt entered the cache")
        #expect((fsck["missing"] as? [[String: Any]])?.map { $0["referenced_by"] as? String } == ["data/auto-mpg.csv"])
    }

    /// `pull` writes a large file missing from the workspace from the bytes it fetches for the cache: the result
    /// is the same as a checkout's (bytes, executable bit, a clean `status` and `fsck`, including one object at two
    /// paths and a directory the clone lacks), and nothing is left beside the files, also when the object on the
    /// remote is corrupt.
    /// A corrupt object on either side has a repair that works: `push --verify` replaces what the remote holds
    /// corrupt (a plain push trusts the listing and sends nothing), `fsck --repair` sets a corrupt cached object
    /// aside and fetches a good copy; meanwhile `pull` still checks out every target whose objects arrived.
    @Test(arguments: Kind.allCases)
    func corruptObjectsOnEitherSideAreRepaired(_ kind: Kind) async throws {
        if kind == .s3 { try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto") }
        let server = kind == .s3 ? try S3TestServer() : nil
        let share = try TemporaryDirectory()
        let origin = try await origin(files: 3)
        try await addRemote(kind, to: origin, share: share, server: server)
        #expect(await CLIRunner.run(["push", "-q"], in: origin.path).exitCode == 0)
        let csv = try Fixtures.sha256sum(origin.url("data/auto-mpg.csv"))
        try overwrite(csv, with: Data("tampered\n".utf8), on: kind, share: share, server: server, configuredIn: origin)

        let clone = try clone(origin)
        let partial = await CLIRunner.run(["pull"], in: clone.path)
        #expect(partial.exitCode == 7, "\(partial.standardError)")
        #expect(partial.standardError.contains("push --verify"))
        #expect(
            FileManager.default.fileExists(atPath: clone.url("data/images/2.txt")), "an intact target was held back")
        #expect(!FileManager.default.fileExists(atPath: clone.url("data/auto-mpg.csv")))

        #expect(try json(await CLIRunner.run(["push", "--json"], in: origin.path))["replaced"] as? Int == 0)
        let verified = try json(await CLIRunner.run(["push", "--verify", "--json"], in: origin.path))
        #expect(verified["replaced"] as? Int == 1 && verified["transferred"] as? Int == 1, "\(verified)")
        #expect(await CLIRunner.run(["pull", "-q"], in: clone.path).exitCode == 0)
        #expect(try Fixtures.sha256sum(clone.url("data/auto-mpg.csv")) == csv)

        // Now the clone's cached copy of one image goes bad.
        let image = try Fixtures.sha256sum(clone.url("data/images/0.txt"))
        let cached = clone.url(".mlops/objects/sha256/\(image.prefix(2))/\(image.dropFirst(2))")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: cached)
        try Data("rotten".utf8).write(to: URL(fileURLWithPath: cached))
        try FileManager.default.removeItem(atPath: clone.url("data/images/0.txt"))
        #expect(await CLIRunner.run(["pull"], in: clone.path).standardError.contains("fsck --repair"))
        let repaired = await CLIRunner.run(["fsck", "--repair", "--json"], in: clone.path)
        #expect(repaired.exitCode == 0, "\(repaired.standardError)")
        #expect((try json(repaired)["quarantined"] as? [String]) == ["sha256:" + image])
        #expect(await CLIRunner.run(["pull", "-q"], in: clone.path).exitCode == 0)
        #expect(try Fixtures.sha256sum(clone.url("data/images/0.txt")) == image)
        #expect(await CLIRunner.run(["fsck"], in: clone.path).exitCode == 0)
    }

    /// A directory remote is a shared folder: an object replaced by a link to `/dev/zero` or by a pipe is refused
    /// at once (it was read forever, or blocked), and `push --verify` replaces it.
    @Test func specialFilesOnADirectoryRemoteAreRefusedAndReplaced() async throws {
        let share = try TemporaryDirectory()
        let origin = try await origin(files: 2)
        try await addRemote(.path, to: origin, share: share, server: nil)
        #expect(await CLIRunner.run(["push", "-q"], in: origin.path).exitCode == 0)
        let csv = try Fixtures.sha256sum(origin.url("data/auto-mpg.csv"))
        let image = try Fixtures.sha256sum(origin.url("data/images/0.txt"))
        func key(_ id: String) -> String { share.url("sha256/\(id.prefix(2))/\(id.dropFirst(2))") }
        try FileManager.default.removeItem(atPath: key(csv))
        try FileManager.default.createSymbolicLink(atPath: key(csv), withDestinationPath: "/dev/zero")
        try FileManager.default.removeItem(atPath: key(image))
        #expect(mkfifo(key(image), 0o644) == 0)

        let clone = try clone(origin)
        let started = Date()
        let pulled = await CLIRunner.run(["pull"], in: clone.path)
        #expect(pulled.exitCode == 7, "\(pulled.standardError)")
        #expect(Date().timeIntervalSince(started) < 20, "a special file on the remote held the pull")
        let verified = try json(await CLIRunner.run(["push", "--verify", "--json"], in: origin.path))
        #expect(verified["replaced"] as? Int == 2, "\(verified)")
        #expect(await CLIRunner.run(["pull", "-q"], in: clone.path).exitCode == 0)
        #expect(try Fixtures.sha256sum(clone.url("data/auto-mpg.csv")) == csv)
    }

    @Test(arguments: Kind.allCases)
    func pullWritesLargeFilesFromTheFetchedBytes(_ kind: Kind) async throws {
        if kind == .s3 { try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto") }
        let server = kind == .s3 ? try S3TestServer() : nil
        let share = try TemporaryDirectory()
        let origin = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: origin.path)
        _ = await CLIRunner.run(["init", "-q"], in: origin.path)
        try FileManager.default.createDirectory(atPath: origin.url("data/shards"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: origin.url("models"), withIntermediateDirectories: true)
        var generator: UInt64 = 7
        let large = Data(
            (0..<(3 << 20) + 5).map { _ in
                generator = generator &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: generator >> 33)
            })
        try large.write(to: URL(fileURLWithPath: origin.url("models/weights.bin")))
        try large.write(to: URL(fileURLWithPath: origin.url("data/shards/a.bin")))
        try large.prefix(2 << 20).write(to: URL(fileURLWithPath: origin.url("data/shards/run.bin")))
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: origin.url("data/shards/run.bin"))
        try Fixtures.write("small", to: origin.url("data/shards/notes.txt"))
        let added = await CLIRunner.run(["add", "-q", "models/weights.bin", "data/shards"], in: origin.path)
        #expect(added.exitCode == 0, "\(added.standardError)")
        try await addRemote(kind, to: origin, share: share, server: server)
        #expect(await CLIRunner.run(["push", "-q"], in: origin.path).exitCode == 0)

        let stagingLeftovers = { (directory: TemporaryDirectory) in
            (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? [])
                .filter { $0.contains(".mlops-") && $0.hasSuffix(".tmp") }
        }
        let clone = try clone(origin)
        let pulled = await CLIRunner.run(["pull", "--json"], in: clone.path)
        #expect(pulled.exitCode == 0, "\(pulled.standardError)")
        for file in ["models/weights.bin", "data/shards/a.bin", "data/shards/run.bin", "data/shards/notes.txt"] {
            #expect(try Fixtures.sha256sum(clone.url(file)) == Fixtures.sha256sum(origin.url(file)), "\(file)")
        }
        #expect(FileManager.default.isExecutableFile(atPath: clone.url("data/shards/run.bin")))
        #expect(!FileManager.default.isExecutableFile(atPath: clone.url("data/shards/a.bin")))
        #expect(stagingLeftovers(clone).isEmpty)
        #expect(await CLIRunner.run(["status", "--exit-code"], in: clone.path).exitCode == 0)
        #expect(await CLIRunner.run(["fsck"], in: clone.path).exitCode == 0)

        // The remote's copy of the large object is corrupt: the pull fails (exit 7) and leaves neither the file nor
        // a staging copy.
        let id = try Fixtures.sha256sum(origin.url("models/weights.bin"))
        let tampered = large.prefix(1 << 20) + Data("tampered".utf8) + large.dropFirst((1 << 20) + 8)
        try overwrite(id, with: tampered, on: kind, share: share, server: server, configuredIn: origin)
        let fresh = try self.clone(origin)
        let failed = await CLIRunner.run(["pull"], in: fresh.path)
        #expect(failed.exitCode == 7, "\(failed.standardError)")
        #expect(!FileManager.default.fileExists(atPath: fresh.url("models/weights.bin")))
        #expect(!FileManager.default.fileExists(atPath: fresh.url("data/shards/a.bin")))
        #expect(stagingLeftovers(fresh).isEmpty)
        // The corrupt object is missing, not stored.
        let report = try await CLIRunner.run(["fsck", "--json"], in: fresh.path).decode(Payload.IntegrityReport.self)
        #expect(report.corrupt.isEmpty, "\(report)")
        #expect(report.missing.contains { $0.referencedBy.contains("weights.bin") }, "\(report)")
    }

    /// A CI runner reuses results computed elsewhere: `push --run-cache` sends the stage results and their
    /// objects, `pull --run-cache` in a clone brings them back, and `repro` there restores instead of running.
    @Test(arguments: Kind.allCases)
    func runCacheTravelsWithPushAndPull(_ kind: Kind) async throws {
        if kind == .s3 { try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto") }
        let server = kind == .s3 ? try S3TestServer() : nil
        let share = try TemporaryDirectory()
        let origin = try await origin(files: 3)
        try await addRemote(kind, to: origin, share: share, server: server)
        try Fixtures.write(
            """
            stages:
              shout:
                cmd: echo shout >> runs.log; tr a-z A-Z < data/auto-mpg.csv > shouted.csv
                deps: [data/auto-mpg.csv]
                outs: [shouted.csv]
              split:
                cmd: echo split >> runs.log; mkdir -p parts && split -l 100 shouted.csv parts/part-
                deps: [shouted.csv]
                outs: [parts]

            """, to: origin.url("mlops.yaml"))
        #expect(await CLIRunner.run(["repro", "-q"], in: origin.path).exitCode == 0)
        try Fixtures.write(try Fixtures.read(origin.url(".gitignore")) + "runs.log\n", to: origin.url(".gitignore"))

        let pushed = try json(await CLIRunner.run(["push", "--run-cache", "--json"], in: origin.path))
        #expect(pushed["run_cache_entries"] as? Int == 2)
        let again = try json(await CLIRunner.run(["push", "--run-cache", "--json"], in: origin.path))
        #expect(again["run_cache_entries"] as? Int == 0 && again["transferred"] as? Int == 0)

        // The clone has the pipeline but neither its lock nor its outputs: without the run cache it would run both.
        let clone = try clone(origin)
        for file in ["mlops.lock", "shouted.csv.mlops", "parts.mlops"] {
            try FileManager.default.removeItem(atPath: clone.url(file))
        }
        let pulled = try json(await CLIRunner.run(["pull", "--run-cache", "--json"], in: clone.path))
        #expect((pulled["fetched"] as? [String: Any])?["run_cache_entries"] as? Int == 2)
        let repro = try #require(
            try await CLIRunner.run(["repro", "--json"], in: clone.path).json() as? [[String: Any]])
        #expect(repro.map { $0["action"] as? String } == ["restored", "restored"])
        #expect(!FileManager.default.fileExists(atPath: clone.url("runs.log")), "no stage ran")
        #expect(try Fixtures.sha256sum(clone.url("shouted.csv")) == Fixtures.sha256sum(origin.url("shouted.csv")))
        #expect(try Fixtures.sha256sum(clone.url("parts/part-ab")) == Fixtures.sha256sum(origin.url("parts/part-ab")))
        #expect(await CLIRunner.run(["fsck"], in: clone.path).exitCode == 0)

        // A document on the remote that is not a run-cache entry is ignored, and without --run-cache nothing of it
        // is fetched.
        let stray = String(repeating: "ab", count: 32)
        switch kind {
        case .path:
            try Fixtures.write("not json", to: share.url("runcache/\(stray)"))
        case .s3:
            let server = try #require(server)
            try Fixtures.write("not json", to: origin.url("stray.txt"))
            let remoteURL = try #require(
                try Fixtures.read(origin.url(".mlops/config.yaml")).split(separator: "\n")
                    .first { $0.contains("url: s3://") }?.split(separator: " ").last.map(String.init))
            #expect(
                try server.aws(["s3", "cp", origin.url("stray.txt"), "\(remoteURL)/runcache/\(stray)"]).exitCode == 0)
        }
        let other = try self.clone(origin)
        let plain = try json(await CLIRunner.run(["fetch", "--json"], in: other.path))
        #expect(plain["run_cache_entries"] as? Int == 0)
        let withCache = try json(await CLIRunner.run(["fetch", "--run-cache", "--json"], in: other.path))
        #expect(withCache["run_cache_entries"] as? Int == 2)
    }

    @Test func awsCLIReadsWhatPushWroteAndRequestsStayNearOnePerObject() async throws {
        try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto")
        let server = try S3TestServer()
        let origin = try await origin(files: 200)
        try await addRemote(.s3, to: origin, share: try TemporaryDirectory(), server: server)
        try server.command("reset")
        let pushed = try json(await CLIRunner.run(["push", "--json"], in: origin.path))
        #expect(pushed["transferred"] as? Int == 202)
        let counts = try server.command("count")
        #expect(Double(counts.requests) / 202 <= 1.05, "\(counts)")
        #expect(counts.byMethod["PUT"] == 202)

        let remoteURL = try #require(
            try Fixtures.read(origin.url(".mlops/config.yaml")).split(separator: "\n")
                .first { $0.contains("url: s3://") }?.split(separator: " ").last.map(String.init))
        let listing = try server.aws(["s3", "ls", "--recursive", remoteURL + "/"])
        #expect(listing.exitCode == 0, "\(listing.standardError)")
        let keys = listing.standardOutput.split(separator: "\n").compactMap {
            $0.split(separator: " ").last.map(String.init)
        }
        #expect(keys.count == 202)
        let key = try #require(keys.first { !$0.hasSuffix(".tmp") })
        let copy = origin.url("downloaded")
        let bucketPath = "s3://\(server.bucket)/\(key)"
        #expect(try server.aws(["s3", "cp", bucketPath, copy]).exitCode == 0)
        let id = key.split(separator: "/").suffix(2).joined()
        #expect(try Fixtures.sha256sum(copy) == id, "the object's bytes hash to its key")
    }

    @Test func transientFailuresAreRetriedAndAStoppedServerResumes() async throws {
        try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto")
        let server = try S3TestServer()
        let origin = try await origin(files: 300)
        try await addRemote(.s3, to: origin, share: try TemporaryDirectory(), server: server)

        // A burst of 503 SlowDown answers is retried with backoff.
        try server.command("fail 5")
        let first = await CLIRunner.run(["push", "--json", "data/auto-mpg.csv"], in: origin.path)
        #expect(first.exitCode == 0, "\(first.standardError)")

        // The server stops in the middle of a push: the push fails with a clear error, and a re-run completes
        // it, sending only what is missing.
        try server.command("reset")
        let push = try CLIRunner.launchCapturing(["push", "--jobs", "2"], in: origin.path)
        // Stop the server once the push is well under way (by requests seen, not by time).
        var seen = 0
        for _ in 0..<600 {
            seen = try server.command("count").requests
            if seen >= 30 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(seen >= 30, "the push had not got under way when the server stopped")
        try server.command("down")
        let interrupted = push.wait()
        try server.command("up")
        #expect(interrupted.exitCode == 1, "\(interrupted.standardOutput) \(interrupted.standardError)")
        #expect(interrupted.standardError.contains("remote"), "\(interrupted.standardError)")
        let resumed = try json(await CLIRunner.run(["push", "--json"], in: origin.path))
        // 302 objects: 300 files, the CSV (pushed first) and the directory's manifest. The re-run finds what the
        // interrupted push sent (at least 20 of the ~29 uploads it had started) and sends the rest, nothing twice.
        let transferred = try #require(resumed["transferred"] as? Int, "\(resumed)")
        let present = try #require(resumed["already_present"] as? Int, "\(resumed)")
        #expect(present - 1 >= 20, "the interrupted push had sent too little: \(resumed)")
        #expect(transferred > 0 && transferred + present == 302, "\(resumed)")
        #expect(await CLIRunner.run(["status", "--remote", "--exit-code"], in: origin.path).exitCode == 0)
        let clone = try clone(origin)
        let pulled = await CLIRunner.run(["pull"], in: clone.path)
        #expect(pulled.exitCode == 0, "\(pulled.standardError)")
        #expect(await CLIRunner.run(["fsck"], in: clone.path).exitCode == 0)
    }

    /// A server that accepts connections and never answers fails the push in tens of seconds (one retry of a
    /// silent answer), with a message; before, every attempt waited its full timeout (six minutes in all).
    @Test func aServerThatNeverAnswersFailsInTensOfSeconds() async throws {
        let origin = try await origin(files: 1)
        let port = 20_000 + Int(getpid() % 20_000)
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        listener.arguments = [
            "-c",
            "import socket,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                + "s.bind(('127.0.0.1',\(port)));s.listen(64);print('ready',flush=True)\nc=[]\nt=time.time()\n"
                + "while time.time()-t<90:\n s.settimeout(1)\n try: c.append(s.accept()[0])\n except OSError: pass\n",
        ]
        let ready = Pipe()
        listener.standardOutput = ready
        try listener.run()
        defer { listener.terminate() }
        _ = ready.fileHandleForReading.availableData
        let added = await CLIRunner.run(
            [
                "remote", "add", "silent", "s3://bucket/x", "--endpoint-url", "http://127.0.0.1:\(port)",
                "--access-key-id", "a",
                "--secret-access-key", "b",
            ], in: origin.path)
        #expect(added.exitCode == 0, "\(added.standardError)")
        let started = Date()
        let pushed = await CLIRunner.run(["push", "-r", "silent"], in: origin.path)
        #expect(pushed.exitCode == 1)
        #expect(pushed.standardError.contains("no answer within"), "\(pushed.standardError)")
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func wrongCredentialsAreAClearErrorAndNeverPrinted() async throws {
        try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto")
        let server = try S3TestServer()
        let origin = try await origin(files: 3)
        let secret = "not-the-secret-\(UUID().uuidString)"
        let added = await CLIRunner.run(
            [
                "remote", "add", "storage", "s3://\(server.bucket)/x", "--endpoint-url", server.endpoint,
                "--access-key-id",
                server.accessKeyID, "--secret-access-key", secret,
            ], in: origin.path)
        #expect(added.exitCode == 0)
        #expect(
            !(try Fixtures.read(origin.url(".mlops/config.yaml")).contains(secret)), "secrets stay out of config.yaml")
        let listed = await CLIRunner.run(["remote", "list", "--json"], in: origin.path)
        #expect(!listed.standardOutput.contains(secret) && listed.standardOutput.contains("config.local.yaml"))
        let pushed = await CLIRunner.run(["push"], in: origin.path)
        #expect(pushed.exitCode == 11, "\(pushed.standardError)")
        #expect(
            pushed.standardError.contains("refused the credentials (SignatureDoesNotMatch"), "\(pushed.standardError)")
        #expect(!pushed.standardError.contains(secret))

        #expect(await CLIRunner.run(["remote", "remove", "storage"], in: origin.path).exitCode == 0)
        #expect(
            !(try Fixtures.read(origin.url(".mlops/config.local.yaml")).contains(secret)),
            "removing a remote drops its secrets")
        _ = await CLIRunner.run(
            ["remote", "add", "storage", "s3://\(server.bucket)/x", "--endpoint-url", server.endpoint], in: origin.path)
        let environment = ["AWS_ACCESS_KEY_ID": "AKIANOTAKEY", "AWS_SECRET_ACCESS_KEY": "nope"]
        let unknownKey = await CLIRunner.run(["push"], in: origin.path, environment: environment)
        #expect(unknownKey.exitCode == 11, "\(unknownKey.standardError)")
        #expect(unknownKey.standardError.contains("InvalidAccessKeyId"))
        let none = await CLIRunner.run(["push"], in: origin.path, environment: [:])
        #expect(
            none.exitCode == 11 && none.standardError.contains("no credentials for the remote 'storage'"),
            "\(none.standardError)")
    }

    @Test func largeObjectsGoUpInPartsAndRemoteConfigurationIsValidated() async throws {
        try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto")
        let server = try S3TestServer()
        let origin = try await origin(files: 1)
        var bytes = [UInt8](repeating: 0, count: 20 << 20)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
        try Data(bytes).write(to: URL(fileURLWithPath: origin.url("data/large.bin")))
        #expect(await CLIRunner.run(["add", "data/large.bin"], in: origin.path).exitCode == 0)
        try await addRemote(.s3, to: origin, share: try TemporaryDirectory(), server: server)
        try server.command("reset")
        #expect(await CLIRunner.run(["push", "data/large.bin"], in: origin.path).exitCode == 0)
        let counts = try server.command("count")
        #expect(counts.byMethod["POST"] == 2, "initiate and complete a multipart upload: \(counts)")
        #expect(counts.byMethod["PUT"] == 2, "two 16 MiB parts: \(counts)")
        let clone = try clone(origin)
        #expect(await CLIRunner.run(["pull", "data/large.bin"], in: clone.path).exitCode == 0)
        #expect(try Fixtures.sha256sum(clone.url("data/large.bin")) == Fixtures.sha256sum(origin.url("data/large.bin")))

        for (arguments, message) in [
            (["remote", "add", "bad", "ftp://host/x"], "not a supported remote"),
            (["remote", "add", "bad name", "/tmp"], "not a remote name"),
            (["remote", "add", "p", "/tmp/x", "--endpoint-url", "http://x"], "apply to s3:// remotes only"),
            (["push", "-r", "nope"], "no remote named 'nope'"),
            (["remote", "remove", "nope"], "no remote named 'nope'"),
        ] {
            let result = await CLIRunner.run(arguments, in: origin.path)
            #expect(
                result.exitCode != 0 && result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }
}
