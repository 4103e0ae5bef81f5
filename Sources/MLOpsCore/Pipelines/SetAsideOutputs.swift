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
/// them, and the cache does not hold them) but the bytes of each regular one are kept, and a failed stage's
/// metrics are replaced by them, so no failed run's numbers pass for the pipeline's. (No two stages share a
/// metrics file: ``PipelineGraph`` refuses it.)
///
/// Outputs wait in `.mlops/tmp/aside-<run>/`, on the workspace's file system, so moving is a rename. After a
/// `kill -9` they stay there; the workspace then lacks the outputs, which `mlops checkout` restores from the cache.
/// The kept metrics bytes live in memory only: after a `kill -9` the workspace holds what the stage wrote.
struct SetAsideOutputs {
    /// What putting things back did.
    struct Restoration {
        /// Where what the stage wrote was kept, when anything was.
        var kept: String?
        /// What could not be put back (the stage removed a parent directory or made it a link), each with where it
        /// waits, or that its bytes are gone.
        var notRestored: [String] = []
    }

    /// A metrics file larger than this is not kept (a metrics file is a small JSON document).
    static let largestKeptMetrics = 16 << 20

    private let repository: Repository
    private let directory: String
    private let outs: [String]
    /// Repository-relative output → where it waits.
    private var moved: [(output: String, aside: String)] = []
    /// Each metrics file (not also an output) and its bytes before the stage ran, nil when it did not exist.
    /// One that was not a regular file is not here: it is left to the stage, which fails reading it.
    private var metrics: [(file: String, bytes: Data?)] = []

    /// Moves every existing output of `outs` aside and reads the `metrics` files. On a failure part way, the
    /// outputs already moved are put back.
    init(_ outs: [String], metrics: [String], of repository: Repository, run: String) throws {
        self.repository = repository
        self.outs = outs
        for file in metrics where !outs.contains(file) {
            switch Self.contents(of: file, in: repository) {
            case .missing: self.metrics.append((file, nil))
            case .regular(let bytes): self.metrics.append((file, bytes))
            case .other: continue
            }
        }
        directory = repository.store.temporaryDirectory + "/aside-" + run
        for out in outs where FileSnapshot.take(repository.absolute(out)) != nil {
            if moved.isEmpty, mkdir(directory, 0o700) != 0, errno != EEXIST {
                throw MLOpsError.system("create", path: directory, errno: errno)
            }
            let aside = directory + "/\(moved.count)"
            guard rename(repository.absolute(out), aside) == 0 else {
                let error = MLOpsError.system("move aside the output", path: out, errno: errno)
                _ = Self.putBack(moved, replacing: [], directory: directory, in: repository)
                throw error
            }
            moved.append((out, aside))
        }
    }

    /// Moves whatever the stage wrote at its outputs and metrics files into `kept` (a new directory, under the
    /// same relative paths; removed when it cannot be moved there), and puts the previous outputs and metrics
    /// back.
    func restore(keepingWrittenIn kept: String) -> Restoration {
        let rewritten = metrics.filter { file, bytes in
            if case .regular(let now) = Self.contents(of: file, in: repository) { return now != bytes }
            return true
        }
        var restoration = Self.putBack(
            moved, replacing: outs + rewritten.map(\.file), keepingIn: kept, directory: directory, in: repository)
        for (file, bytes) in rewritten {
            guard let bytes else { continue }
            let path = repository.absolute(file)
            do {
                try Self.makeParent(of: file, in: repository)
                try AtomicFile.write(bytes: Array(bytes), to: path)
            } catch {
                restoration.notRestored.append("\(file) (its previous version could not be written; git may hold it)")
            }
        }
        return restoration
    }

    private enum Contents {
        case missing
        case regular(Data)
        /// A directory, a link, a device or an oversized file: not a metrics file mlops keeps.
        case other
    }

    private static func contents(of file: String, in repository: Repository) -> Contents {
        let path = repository.absolute(file)
        var status = stat()
        guard lstat(path, &status) == 0 else { return errno == ENOENT ? .missing : .other }
        guard status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) <= largestKeptMetrics,
            let bytes = try? Data(contentsOf: URL(fileURLWithPath: path))
        else { return .other }
        return .regular(bytes)
    }

    /// Creates the missing directories on the way to repository-relative `file`, refusing to go through a link.
    private static func makeParent(of file: String, in repository: Repository) throws {
        try repository.requireRealDirectories(to: file, what: "a stage output")
        try FileManager.default.createDirectory(
            atPath: WorkspacePath.parent(repository.absolute(file)), withIntermediateDirectories: true)
    }

    private static func putBack(
        _ moved: [(output: String, aside: String)], replacing written: [String], keepingIn kept: String? = nil,
        directory: String, in repository: Repository
    ) -> Restoration {
        // What the stage wrote is moved only through real directories: a stage may have turned a parent into a
        // link to elsewhere, and nothing there is mlops's to touch.
        func throughRealDirectories(_ path: String) -> Bool {
            (try? repository.requireRealDirectories(to: path, what: "")) != nil
        }
        var restoration = Restoration()
        // The kept directory must be new: a stage could have planted a link (or anything) at its name.
        let keeping = kept.map { mkdir($0, 0o700) == 0 } ?? false
        for out in written where throughRealDirectories(out) && FileSnapshot.take(repository.absolute(out)) != nil {
            if keeping, let kept {
                let destination = kept + "/" + out
                try? FileManager.default.createDirectory(
                    atPath: WorkspacePath.parent(destination), withIntermediateDirectories: true)
                if rename(repository.absolute(out), destination) == 0 {
                    restoration.kept = kept
                    continue
                }
            }
            try? FileManager.default.removeItem(atPath: repository.absolute(out))
        }
        if keeping, let kept, restoration.kept == nil { rmdir(kept) }
        for (output, aside) in moved.reversed() {
            guard (try? makeParent(of: output, in: repository)) != nil, rename(aside, repository.absolute(output)) == 0
            else {
                restoration.notRestored.append("\(output) (it waits in \(aside))")
                continue
            }
        }
        rmdir(directory)  // only when empty: an output that could not go back stays here, not lost
        return restoration
    }

    /// Drops the previous outputs: the stage replaced them.
    func discard() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
