#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors

/// A stage's previous outputs, moved out of the way while the stage runs so that nothing it did not write is
/// ever deleted: a stage that fails gets them back, one that succeeds drops them (they were checked to be in the
/// cache before the move, see ``Repository/checkOutputsAreRecoverable(_:)``).
///
/// They wait in `.mlops/tmp/aside-<run>/`, on the workspace's file system, so moving is a rename. After a
/// `kill -9` they stay there; the workspace then lacks the outputs, which `mlops checkout` restores from the cache.
struct SetAsideOutputs {
    private let repository: Repository
    private let directory: String
    private let outs: [String]
    /// Repository-relative output → where it waits.
    private var moved: [(output: String, aside: String)] = []

    /// Moves every existing output of `outs` aside. On a failure part way, the ones already moved are put back.
    init(_ outs: [String], of repository: Repository, run: String) throws {
        self.repository = repository
        self.outs = outs
        directory = repository.store.temporaryDirectory + "/aside-" + run
        for out in outs where FileSnapshot.take(repository.absolute(out)) != nil {
            if moved.isEmpty, mkdir(directory, 0o700) != 0, errno != EEXIST {
                throw MLOpsError.system("create", path: directory, errno: errno)
            }
            let aside = directory + "/\(moved.count)"
            guard rename(repository.absolute(out), aside) == 0 else {
                let error = MLOpsError.system("move aside the output", path: out, errno: errno)
                Self.putBack(moved, replacing: [], directory: directory, in: repository)
                throw error
            }
            moved.append((out, aside))
        }
    }

    /// Removes whatever the stage wrote at its outputs and puts the previous outputs back.
    func restore() {
        Self.putBack(moved, replacing: outs, directory: directory, in: repository)
    }

    private static func putBack(
        _ moved: [(output: String, aside: String)], replacing written: [String], directory: String,
        in repository: Repository
    ) {
        // What the stage wrote is removed only through real directories: a stage may have turned a parent into a
        // link to elsewhere, and nothing there is mlops's to delete.
        func throughRealDirectories(_ path: String) -> Bool {
            (try? repository.requireRealDirectories(to: path, what: "")) != nil
        }
        for out in written where throughRealDirectories(out) {
            try? FileManager.default.removeItem(atPath: repository.absolute(out))
        }
        for (output, aside) in moved.reversed() where throughRealDirectories(output) {
            rename(aside, repository.absolute(output))
        }
        rmdir(directory)  // only when empty: an output that could not go back stays here, not lost
    }

    /// Drops the previous outputs: the stage replaced them.
    func discard() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
