#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors
import MLOpsStore

/// A stage's previous outputs, moved out of the way while the stage runs so that nothing it did not write is
/// ever deleted: a stage that fails gets them back (and what it wrote is kept beside its log), one that succeeds
/// drops them (they were checked to be in the cache before the move, see
/// ``Repository/checkOutputsAreRecoverable(_:)``). Its metrics files stay in place (the stage may not rewrite
/// them, and the cache does not hold them) but their bytes are kept, and a failed stage's metrics are replaced
/// by them, so no failed run's numbers pass for the pipeline's.
///
/// Outputs wait in `.mlops/tmp/aside-<run>/`, on the workspace's file system, so moving is a rename. After a
/// `kill -9` they stay there; the workspace then lacks the outputs, which `mlops checkout` restores from the cache.
struct SetAsideOutputs {
    private let repository: Repository
    private let directory: String
    private let outs: [String]
    /// Repository-relative output → where it waits.
    private var moved: [(output: String, aside: String)] = []
    /// Each metrics file (not also an output) and its bytes before the stage ran, nil when it did not exist.
    private var metrics: [(file: String, bytes: Data?)] = []

    /// Moves every existing output of `outs` aside and reads the `metrics` files. On a failure part way, the
    /// outputs already moved are put back.
    init(_ outs: [String], metrics: [String], of repository: Repository, run: String) throws {
        self.repository = repository
        self.outs = outs
        for file in metrics where !outs.contains(file) {
            self.metrics.append((file, try Self.contents(of: file, in: repository)))
        }
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

    /// Moves whatever the stage wrote at its outputs and metrics files into `kept` (under the same relative
    /// paths; removed when it cannot be moved there), and puts the previous outputs and metrics back. Returns
    /// whether anything was kept.
    @discardableResult
    func restore(keepingWrittenIn kept: String) -> Bool {
        let rewritten = metrics.filter { (try? Self.contents(of: $0.file, in: repository)) != $0.bytes }
        let keptAny = Self.putBack(
            moved, replacing: outs + rewritten.map(\.file), keepingIn: kept, directory: directory, in: repository)
        for (file, bytes) in rewritten {
            if let bytes { try? AtomicFile.write(bytes: Array(bytes), to: repository.absolute(file)) }
        }
        return keptAny
    }

    /// The bytes of the metrics file `file`, nil when there is none.
    private static func contents(of file: String, in repository: Repository) throws -> Data? {
        let path = repository.absolute(file)
        guard FileSnapshot.take(path) != nil else { return nil }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MLOpsError(
                .invalidInput, "cannot read the metrics file '\(file)'", hint: "it must be a readable JSON file",
                cause: error)
        }
    }

    @discardableResult
    private static func putBack(
        _ moved: [(output: String, aside: String)], replacing written: [String], keepingIn kept: String? = nil,
        directory: String, in repository: Repository
    ) -> Bool {
        // What the stage wrote is moved only through real directories: a stage may have turned a parent into a
        // link to elsewhere, and nothing there is mlops's to touch.
        func throughRealDirectories(_ path: String) -> Bool {
            (try? repository.requireRealDirectories(to: path, what: "")) != nil
        }
        var keptAny = false
        for out in written where throughRealDirectories(out) && FileSnapshot.take(repository.absolute(out)) != nil {
            if let kept {
                let destination = kept + "/" + out
                try? FileManager.default.createDirectory(
                    atPath: WorkspacePath.parent(destination), withIntermediateDirectories: true)
                if rename(repository.absolute(out), destination) == 0 {
                    keptAny = true
                    continue
                }
            }
            try? FileManager.default.removeItem(atPath: repository.absolute(out))
        }
        for (output, aside) in moved.reversed() where throughRealDirectories(output) {
            rename(aside, repository.absolute(output))
        }
        rmdir(directory)  // only when empty: an output that could not go back stays here, not lost
        return keptAny
    }

    /// Drops the previous outputs: the stage replaced them.
    func discard() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
