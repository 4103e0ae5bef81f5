import Foundation
import MLOpsTestSupport
import Testing

/// `kill -9` at random moments of writing commands must leave a repository that `fsck` finds clean and
/// workspace files that are old or new, never truncated. These run the real binary.
@Suite(.serialized) struct CrashSafetyTests {
    let directory: TemporaryDirectory
    var root: String { directory.path }
    /// Every workspace file's expected SHA-256, by relative path.
    var expected: [String: String] = [:]
    /// The files' contents and the moments of each kill; its seed is in every failure message.
    let random = TestRandom()

    init() throws {
        directory = try TemporaryDirectory()
        #expect(try CLIRunner.execute(["init"], in: directory.path).exitCode == 0)
        for index in 0..<250 {
            // Mostly small files, a few above the 1 MiB chunk size to exercise the pipelined copy.
            let size = index % 50 == 0 ? 3 << 20 : random.integer(in: 1...16_384)
            let bytes = random.bytes(size)
            let path = "data/part\(index % 7)/file\(index).bin"
            try FileManager.default.createDirectory(
                atPath: directory.url("data/part\(index % 7)"), withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: directory.url(path)))
            expected[path] = try Fixtures.sha256sum(directory.url(path))
        }
    }

    /// Kills `mlops arguments` at random moments, then expects `fsck` to find nothing corrupt or invalid, and
    /// nothing missing unless `missingAllowed` (a killed `pull` has not fetched everything yet). The moments fall
    /// within the time the whole command takes on this machine (measured on a copy of the repository), so the
    /// kills land while it works. Returns how many rounds a kill interrupted (the others had finished first):
    /// callers expect some, or nothing was tested.
    @discardableResult
    func killAtRandomPoints(
        _ arguments: [String], rounds: Int, missingAllowed: Bool = false, afterEach check: () throws -> Void
    ) throws -> Int {
        let whole = try microseconds(arguments)
        var interrupted = 0
        for _ in 0..<rounds {
            let process = try CLIRunner.launch(arguments, in: root)
            usleep(useconds_t(random.integer(in: max(1_000, whole / 10)...max(2_000, whole * 9 / 10))))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { interrupted += 1 }
            let report = try CLIRunner.execute(["fsck", "--json"], in: root).decode(Payload.IntegrityReport.self)
            #expect(
                report.corrupt.isEmpty && report.invalidPointers.isEmpty && (missingAllowed || report.missing.isEmpty),
                "fsck after killing \(arguments): \(report) \(random.replay)")
            try check()
        }
        return interrupted
    }

    /// Rounds of one kill each: `minimum` of them, and more, up to `maximum`, while no kill has landed (a small
    /// run can finish before its kill on a loaded machine, where its measured duration overstates the run's).
    /// `prepare` runs before each round, given the round's number and whether a kill has landed yet. Returns the
    /// kills that landed.
    func killUntilOneLands(
        _ arguments: [String], minimum: Int, maximum: Int, prepare: (_ round: Int, _ landed: Bool) throws -> Void,
        afterEach check: () throws -> Void
    ) throws -> Int {
        var (landed, round) = (0, 0)
        while round < minimum || (landed == 0 && round < maximum) {
            try prepare(round, landed > 0)
            round += 1
            landed += try killAtRandomPoints(arguments, rounds: 1, afterEach: check)
        }
        return landed
    }

    /// How long `mlops arguments` takes from start to exit, run to completion on a copy of the repository.
    func microseconds(_ arguments: [String]) throws -> Int {
        let copy = try TemporaryDirectory()
        let copied = try CLIRunner.execute(program: "/bin/cp", ["-a", root + "/.", copy.path], in: root)
        try #require(copied.exitCode == 0, "\(copied.standardError)")
        let started = Date()
        _ = try CLIRunner.execute(arguments, in: copy.path)
        return Int(Date().timeIntervalSince(started) * 1e6)
    }

    /// Files that exist must be whole: the expected bytes, never a prefix.
    func workspaceFilesAreWhole() throws {
        for (path, hash) in expected where FileManager.default.fileExists(atPath: directory.url(path)) {
            #expect(try Fixtures.sha256sum(directory.url(path)) == hash, "\(path) \(random.replay)")
        }
    }

    @Test func addCheckoutAndGCSurviveSIGKILL() throws {
        let adds = try killAtRandomPoints(["add", "data"], rounds: 6) { () throws in
            try workspaceFilesAreWhole()
            // Every round starts where the first did (a round that finished would leave the next nothing to
            // do): untracked, the objects collected, and files the stat cache has not seen (rewritten).
            if FileManager.default.fileExists(atPath: directory.url("data.mlops")) {
                #expect(try CLIRunner.execute(["rm", "data"], in: root).exitCode == 0)
            }
            #expect(try CLIRunner.execute(["gc"], in: root).exitCode == 0)
            for path in expected.keys {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.url(path)))
                try FileManager.default.removeItem(atPath: directory.url(path))
                try bytes.write(to: URL(fileURLWithPath: directory.url(path)))
            }
        }
        #expect(adds > 0, "no kill landed while add ran \(random.replay)")
        #expect(try CLIRunner.execute(["add", "data"], in: root).exitCode == 0)
        #expect(try CLIRunner.execute(["status", "--exit-code"], in: root).exitCode == 0)

        let checkouts = try killUntilOneLands(
            ["checkout"], minimum: 6, maximum: 24,
            prepare: { _, _ in
                try? FileManager.default.removeItem(atPath: directory.url("data/part3"))
                try? FileManager.default.removeItem(atPath: directory.url("data/part0/file0.bin"))
            }, afterEach: workspaceFilesAreWhole)
        #expect(checkouts > 0, "no kill landed while checkout ran \(random.replay)")
        #expect(try CLIRunner.execute(["checkout"], in: root).exitCode == 0)
        try workspaceFilesAreWhole()
        #expect(try CLIRunner.execute(["status", "--exit-code"], in: root).exitCode == 0)

        // Make most of the cache garbage, then kill gc while it removes it.
        try Fixtures.write("other\n", to: directory.url("small.txt"))
        #expect(try CLIRunner.execute(["add", "small.txt"], in: root).exitCode == 0)
        #expect(try CLIRunner.execute(["rm", "data"], in: root).exitCode == 0)
        // A gc that finished before its kill leaves the next round nothing to remove: the garbage is made again.
        let collections = try killUntilOneLands(
            ["gc"], minimum: 3, maximum: 12,
            prepare: { (round: Int, landed: Bool) throws in
                guard round > 0, !landed else { return }
                #expect(try CLIRunner.execute(["add", "data"], in: root).exitCode == 0)
                #expect(try CLIRunner.execute(["rm", "data"], in: root).exitCode == 0)
            }, afterEach: {})
        #expect(collections > 0, "gc was never interrupted \(random.replay)")
        #expect(try CLIRunner.execute(["gc"], in: root).exitCode == 0)
        #expect(try CLIRunner.execute(["status", "--exit-code"], in: root).exitCode == 0)
        try workspaceFilesAreWhole()
    }

    /// A large file is adopted into the store (its inode moves there, a copy takes its place): killed at any
    /// point, the workspace file is still there, whole.
    @Test func addOfALargeFileSurvivesSIGKILL() throws {
        let chunk = Data(random.bytes(1 << 20))
        try Data().write(to: URL(fileURLWithPath: directory.url("big.bin")))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.url("big.bin")))
        for _ in 0..<96 { try handle.write(contentsOf: chunk) }
        try handle.close()
        let hash = try Fixtures.sha256sum(directory.url("big.bin"))
        let original = directory.url("big.original")
        try FileManager.default.copyItem(atPath: directory.url("big.bin"), toPath: original)
        let object = directory.url(".mlops/objects/sha256/\(hash.prefix(2))/\(hash.dropFirst(2))")
        let interrupted = try killAtRandomPoints(["add", "big.bin"], rounds: 8) { () throws in
            #expect(try Fixtures.sha256sum(directory.url("big.bin")) == hash)
            // Every round starts where the first did (a round that finished would leave the next nothing to
            // do): untracked, not in the cache, a file the stat cache has never seen.
            for path in [directory.url("big.bin.mlops"), object, directory.url("big.bin")] {
                try? FileManager.default.removeItem(atPath: path)
            }
            try FileManager.default.copyItem(atPath: original, toPath: directory.url("big.bin"))
        }
        #expect(interrupted > 0, "no kill landed while add ran \(random.replay)")
        #expect(try CLIRunner.execute(["add", "big.bin"], in: root).exitCode == 0)
        #expect(try CLIRunner.execute(["status", "--exit-code"], in: root).exitCode == 0)
        #expect(try Fixtures.sha256sum(directory.url("big.bin")) == hash)
    }

    /// `pull` into an empty cache and a workspace missing files, large ones among them (written from the fetched
    /// bytes, see PreparedCopy): killed at any point, the cache is consistent and every file there is whole.
    @Test func pullSurvivesSIGKILL() throws {
        #expect(try CLIRunner.execute(["add", "data"], in: root).exitCode == 0)
        let share = try TemporaryDirectory()
        #expect(try CLIRunner.execute(["remote", "add", "share", share.path], in: root).exitCode == 0)
        #expect(try CLIRunner.execute(["push"], in: root).exitCode == 0)
        var pulls = 0
        for _ in 0..<6 {
            for part in 0..<5 { try? FileManager.default.removeItem(atPath: directory.url("data/part\(part)")) }
            try? FileManager.default.removeItem(atPath: directory.url(".mlops/objects"))
            pulls += try killAtRandomPoints(
                ["pull"], rounds: 1, missingAllowed: true, afterEach: workspaceFilesAreWhole)
        }
        #expect(pulls > 0, "no kill landed while pull ran \(random.replay)")
        #expect(try CLIRunner.execute(["pull"], in: root).exitCode == 0)
        try workspaceFilesAreWhole()
        #expect(expected.keys.allSatisfy { FileManager.default.fileExists(atPath: directory.url($0)) })
        #expect(try CLIRunner.execute(["status", "--exit-code"], in: root).exitCode == 0)
        let leftovers = (FileManager.default.enumerator(atPath: directory.url("data"))?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// The lock is held from outside (flock, as another writer would) while two writers and a reader start: the
    /// reader finishes while both writers still wait, and the writers complete once the lock is free.
    @Test func concurrentWritersSerializeAndReadersDoNotBlock() throws {
        try Fixtures.write("solo\n", to: directory.url("solo.txt"))
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.flock(f,fcntl.LOCK_EX)\nprint('held',flush=True)\nsys.stdin.read()",
            directory.url(".mlops/lock"),
        ]
        let holderOutput = Pipe()
        let release = Pipe()
        holder.standardOutput = holderOutput
        holder.standardInput = release
        try holder.run()
        #expect(String(decoding: holderOutput.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("held"))

        let first = try CLIRunner.launch(["add", "data"], in: root)
        let second = try CLIRunner.launch(["add", "solo.txt"], in: root)
        let reader = try CLIRunner.execute(["status"], in: root)
        #expect(reader.exitCode == 0, "\(reader.standardError)")
        #expect(
            first.isRunning && second.isRunning,
            "a writer did not wait for the lock, or the reader waited for the writers")
        try release.fileHandleForWriting.close()  // the holder reads end of input and exits, releasing the lock
        holder.waitUntilExit()
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        let list = try CLIRunner.execute(["ls", "--json"], in: root)
        #expect(list.standardOutput.contains("\"data\"") && list.standardOutput.contains("\"solo.txt\""))
        #expect(try CLIRunner.execute(["fsck"], in: root).exitCode == 0)
        #expect(try CLIRunner.execute(["status", "--exit-code"], in: root).exitCode == 0)
    }
}
