import Foundation
import MLOpsTestSupport
import Testing

/// What a command killed with `-9` leaves behind stays out of git and is removed by `gc`: temporary siblings in
/// the workspace (only once their writer is gone), stage outputs a killed `repro` set aside, quarantined objects.
@Suite struct LeftoverTests {
    @Test func leftoversAreInvisibleToGitAndRemovedByGC() async throws {
        let directory = try TemporaryDirectory()
        try Fixtures.git(["init", "-q"], in: directory.path)
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        try FileManager.default.createDirectory(atPath: directory.url("data"), withIntermediateDirectories: true)
        try Fixtures.write("a,b\n1,2\n", to: directory.url("data/train.csv"))
        #expect(await CLIRunner.run(["add", "-q", "data/train.csv"], in: directory.path).exitCode == 0)

        // A writer that has exited (its pid is in the name) and one that still runs: this test process.
        let exited = try CLIRunner.execute(program: "/bin/sh", ["-c", "echo $$"], in: directory.path)
        let deadPid = exited.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let orphan = directory.url("data/.train.csv.mlops-\(deadPid)-x1-1.tmp")
        let live = directory.url("data/.predictions.csv.mlops-\(getpid())-x2-1.tmp")
        // Files of the user's that only look like temporaries are neither skipped by add nor removed by gc.
        let lookalikes = [directory.url(".notes.mlops-draft.tmp"), directory.url("data/.x.mlops-999999-a.tmp")]
        for file in [orphan, live] + lookalikes { try Fixtures.write("partial", to: file) }
        let aside = directory.url(".mlops/tmp/aside-01a2b3c4-0000-7000-8000-000000000000")
        try FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: true)
        try Fixtures.write("old output", to: aside + "/0")
        try FileManager.default.createDirectory(
            atPath: directory.url(".mlops/quarantine"), withIntermediateDirectories: true)
        try Fixtures.write("rotten", to: directory.url(".mlops/quarantine/abc"))

        let untracked = try Fixtures.git(["status", "--porcelain", "--untracked-files=all"], in: directory.path)
        #expect(!untracked.contains(".mlops-"), "git sees temporary files: \(untracked)")

        let collected = await CLIRunner.run(["gc", "--json"], in: directory.path)
        #expect(collected.exitCode == 0, "\(collected.standardError)")
        #expect((try collected.json() as? [String: Any])?["removed_temporary_files"] as? Int == 3)
        #expect(!FileManager.default.fileExists(atPath: orphan))
        #expect(FileManager.default.fileExists(atPath: live), "a running writer's file was removed")
        for file in lookalikes {
            #expect(FileManager.default.fileExists(atPath: file), "gc removed the user's \(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: aside))
        #expect(!FileManager.default.fileExists(atPath: directory.url(".mlops/quarantine")))
        #expect(try Fixtures.read(directory.url("data/train.csv")) == "a,b\n1,2\n")
    }
}
