import Foundation
import MLOpsTestSupport
import Testing

/// Reading tracked data at git revisions, and the git hooks, exercised by real `git checkout`, `git commit` and
/// `git push` (to a local bare repository).
@Suite struct GitIntegrationTests {
    /// A git repository whose `data/` holds two files, committed twice: `first` then `second` contents of a.txt.
    private func history() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try Fixtures.git(["init", "-q", "-b", "main"], in: directory.path)
        try Fixtures.git(["config", "user.email", "test@example.com"], in: directory.path)
        try Fixtures.git(["config", "user.name", "Test"], in: directory.path)
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        try FileManager.default.createDirectory(atPath: directory.url("data"), withIntermediateDirectories: true)
        try Fixtures.write("first\n", to: directory.url("data/a.txt"))
        try Fixtures.write("unchanged\n", to: directory.url("data/b.txt"))
        try Fixtures.write("model v1\n", to: directory.url("model.bin"))
        #expect(await CLIRunner.run(["add", "-q", "data", "model.bin"], in: directory.path).exitCode == 0)
        try Fixtures.git(["add", "-A"], in: directory.path)
        try Fixtures.git(["commit", "-qm", "first"], in: directory.path)
        try Fixtures.write("second\n", to: directory.url("data/a.txt"))
        #expect(await CLIRunner.run(["commit", "-q"], in: directory.path).exitCode == 0)
        try Fixtures.git(["commit", "-qam", "second"], in: directory.path)
        return directory
    }

    private func git(_ arguments: [String], _ directory: TemporaryDirectory) throws -> CLIResult {
        try CLIRunner.execute(program: "/usr/bin/git", arguments, in: directory.path)
    }

    @Test func diffAndCheckoutReadPointersAtAnyRevision() async throws {
        let directory = try await history()
        let between = await CLIRunner.run(["diff", "HEAD~1", "HEAD", "--json"], in: directory.path)
        #expect(between.exitCode == 0, "\(between.standardError)")
        let changes = try #require((try between.json() as? [String: Any])?["changes"] as? [[String: Any]])
        #expect(changes.map { $0["path"] as? String } == ["data/a.txt"])
        #expect(changes.first?["kind"] as? String == "modified")

        let tag = try git(["tag", "v1", "HEAD~1"], directory)
        #expect(tag.exitCode == 0)
        let againstWorkspace = await CLIRunner.run(["diff", "v1"], in: directory.path)
        #expect(againstWorkspace.standardOutput.contains("modified  data/a.txt"), "\(againstWorkspace.standardOutput)")
        #expect(
            await CLIRunner.run(["diff", "v1", "v1", "--json"], in: directory.path).standardOutput.contains(
                "\"changes\" : [\n\n  ]"))

        let checkout = await CLIRunner.run(["checkout", "--rev", "v1", "data"], in: directory.path)
        #expect(checkout.exitCode == 0, "\(checkout.standardError)")
        #expect(try Fixtures.read(directory.url("data/a.txt")) == "first\n")
        #expect(try git(["status", "--porcelain"], directory).standardOutput.isEmpty, "pointer files untouched")
        #expect(await CLIRunner.run(["checkout"], in: directory.path).exitCode == 0)
        #expect(try Fixtures.read(directory.url("data/a.txt")) == "second\n")
        let unknown = await CLIRunner.run(["checkout", "--rev", "no-such-branch"], in: directory.path)
        #expect(unknown.exitCode == 8 && unknown.standardError.contains("no git revision 'no-such-branch'"))
    }

    @Test func hooksFollowCheckoutsWarnOnCommitsAndPushOnPush() async throws {
        let directory = try await history()
        let installed = try CLIRunner.execute(["hooks", "install"], in: directory.path)
        #expect(installed.exitCode == 0, "\(installed.standardError)")

        // post-checkout: a branch with other data; switching branches switches the data.
        #expect(try git(["checkout", "-q", "-b", "experiment"], directory).exitCode == 0)
        try Fixtures.write("experiment\n", to: directory.url("data/a.txt"))
        #expect(await CLIRunner.run(["commit", "-q"], in: directory.path).exitCode == 0)
        #expect(try git(["commit", "-qam", "experiment"], directory).exitCode == 0)
        let back = try git(["checkout", "-q", "main"], directory)
        #expect(back.exitCode == 0)
        #expect(try Fixtures.read(directory.url("data/a.txt")) == "second\n", "\(back.standardError)")
        #expect(back.standardError.contains("mlops: checked out 1 file(s)"))
        #expect(try git(["checkout", "-q", "experiment"], directory).exitCode == 0)
        #expect(try Fixtures.read(directory.url("data/a.txt")) == "experiment\n")
        // A file checkout (flag 0) is left alone, and a checkout that changes no pointer is silent.
        let same = try git(["checkout", "-q", "-b", "copy"], directory)
        #expect(same.standardError.isEmpty, "\(same.standardError)")

        // pre-commit: data changed but its pointer was not updated → a warning, the commit still happens.
        try Fixtures.write("edited without mlops commit\n", to: directory.url("data/b.txt"))
        try Fixtures.write("notes\n", to: directory.url("notes.txt"))
        _ = try git(["add", "notes.txt"], directory)
        let commit = try git(["commit", "-qm", "notes"], directory)
        #expect(commit.exitCode == 0)
        #expect(
            commit.standardError.contains("mlops: warning: data changed but data.mlops was not updated"),
            "\(commit.standardError)")
        let clean = try git(["commit", "-q", "--allow-empty", "-m", "empty"], directory)
        #expect(clean.standardError.contains("data changed"))
        _ = await CLIRunner.run(["checkout", "--force", "-q"], in: directory.path)
        let quiet = try git(["commit", "-q", "--allow-empty", "-m", "empty"], directory)
        #expect(quiet.standardError.isEmpty, "\(quiet.standardError)")

        // pre-push: pushing git pushes the data to the default remote.
        let share = try TemporaryDirectory()
        let bare = try TemporaryDirectory()
        _ = try git(["init", "-q", "--bare", bare.path], directory)
        #expect(await CLIRunner.run(["remote", "add", "share", share.path], in: directory.path).exitCode == 0)
        _ = try git(["add", "-A"], directory)
        _ = try git(["commit", "-qm", "remote"], directory)
        _ = try git(["remote", "add", "origin", bare.path], directory)
        let push = try git(["push", "-q", "origin", "copy"], directory)
        #expect(push.exitCode == 0, "\(push.standardError)")
        #expect(push.standardError.contains("mlops: pushed"), "\(push.standardError)")
        #expect(await CLIRunner.run(["status", "--remote", "--exit-code"], in: directory.path).exitCode == 0)
    }

    @Test func foreignHooksAreNeverOverwritten() async throws {
        let directory = try await history()
        let hook = directory.url(".git/hooks/pre-commit")
        try Fixtures.write("#!/bin/sh\necho ran >> \"$(git rev-parse --show-toplevel)/foreign-hook-ran\"\n", to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        let refused = try CLIRunner.execute(["hooks", "install"], in: directory.path)
        #expect(refused.exitCode == 9 && refused.standardError.contains("--chain"), "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.url(".git/hooks/post-checkout")), "nothing changed")

        #expect(try CLIRunner.execute(["hooks", "install", "--chain"], in: directory.path).exitCode == 0)
        try Fixtures.write("changed\n", to: directory.url("data/b.txt"))
        let commit = try git(["commit", "-q", "--allow-empty", "-m", "both hooks"], directory)
        #expect(FileManager.default.fileExists(atPath: directory.url("foreign-hook-ran")), "the chained hook ran")
        #expect(commit.standardError.contains("mlops: warning"), "and then mlops: \(commit.standardError)")

        #expect(try CLIRunner.execute(["hooks", "uninstall"], in: directory.path).exitCode == 0)
        #expect(try Fixtures.read(hook).contains("foreign-hook-ran"), "the foreign hook is back in place")
        #expect(!FileManager.default.fileExists(atPath: directory.url(".git/hooks/post-checkout")))
    }
}
