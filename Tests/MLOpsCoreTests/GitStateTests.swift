import Foundation
import MLOpsCore
import MLOpsTestSupport
import Testing

/// The commit, branch and dirty flag of real git repositories, as run lineage records them.
@Suite struct GitStateTests {
    @Test func reportsCommitBranchAndDirtiness() throws {
        let directory = try TemporaryDirectory()
        #expect(GitState.read(at: directory.path) == GitState(commit: nil, branch: nil, dirty: false))
        _ = try Fixtures.git(["init", "-q", "-b", "trunk"], in: directory.path)
        try Fixtures.write("one\n", to: directory.url("file.txt"))
        _ = try Fixtures.git(["add", "file.txt"], in: directory.path)
        _ = try Fixtures.git(
            ["-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-qm", "one"], in: directory.path)
        let head = try Fixtures.git(["rev-parse", "HEAD"], in: directory.path)
        #expect(GitState.read(at: directory.path) == GitState(commit: head, branch: "trunk", dirty: false))
        try Fixtures.write("two\n", to: directory.url("file.txt"))
        #expect(GitState.read(at: directory.path).dirty)
        try Fixtures.write("untracked\n", to: directory.url("other.txt"))
        _ = try Fixtures.git(["checkout", "-q", "--", "file.txt"], in: directory.path)
        #expect(!GitState.read(at: directory.path).dirty, "untracked files do not count")
        _ = try Fixtures.git(["checkout", "-q", "--detach"], in: directory.path)
        #expect(GitState.read(at: directory.path) == GitState(commit: head, branch: nil, dirty: false))
    }

    /// Pointer files, `mlops.lock` and `.gitignore` are mlops' bookkeeping: `repro` changes them itself, and runs
    /// record the data they stand for by object id, so they leave a work tree clean; anything else does not.
    @Test func mlopsBookkeepingFilesDoNotMakeATreeDirty() throws {
        let directory = try TemporaryDirectory()
        _ = try Fixtures.git(["init", "-q"], in: directory.path)
        let files = ["data/train.csv.mlops", "mlops.lock", "data/.gitignore", "train.py"]
        try FileManager.default.createDirectory(atPath: directory.url("data"), withIntermediateDirectories: true)
        for file in files { try Fixtures.write("one\n", to: directory.url(file)) }
        _ = try Fixtures.git(["add", "-A"], in: directory.path)
        _ = try Fixtures.git(["commit", "-qm", "one"], in: directory.path)
        for file in files.dropLast() { try Fixtures.write("two\n", to: directory.url(file)) }
        #expect(!GitState.read(at: directory.path).dirty)
        _ = try Fixtures.git(["add", "-A"], in: directory.path)
        #expect(!GitState.read(at: directory.path).dirty, "staged bookkeeping changes do not count either")
        try Fixtures.write("two\n", to: directory.url("train.py"))
        #expect(GitState.read(at: directory.path).dirty)
    }
}
