#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsStore

extension Repository {
    /// Removes what interrupted commands leave behind, beyond the staging files in `.mlops/tmp` (which the
    /// caller removes): stage outputs a killed `repro` set aside (once their run is no longer running; the cache
    /// holds them), quarantined objects, and temporary siblings in the workspace whose writing process is gone.
    /// Call with the write lock held. Returns how many it removed.
    func removeLeftovers() throws -> Int {
        var removed = 0
        for name in try DirectoryListing.names(in: store.temporaryDirectory, missingIsEmpty: true)
        where name.hasPrefix("aside-") {
            let runId = String(name.dropFirst("aside-".count))
            if (try? runs.run(runId).status) == .running { continue }
            try? FileManager.default.removeItem(atPath: store.temporaryDirectory + "/" + name)
            removed += 1
        }
        if FileSnapshot.take(quarantineDirectory) != nil {
            removed += try DirectoryListing.names(in: quarantineDirectory, missingIsEmpty: true).count
            try? FileManager.default.removeItem(atPath: quarantineDirectory)
        }
        var pending = [root]
        while let directory = pending.popLast() {
            for entry in try DirectoryListing.entries(in: directory, missingIsEmpty: true) {
                let path = directory + "/" + entry.name
                switch entry.kind {
                case .directory where entry.name != ".git" && entry.name != Self.metadataDirectoryName:
                    pending.append(path)
                case .file where ObjectStore.isStagingName(entry.name) && !Self.writerIsAlive(entry.name):
                    if unlink(path) == 0 { removed += 1 }
                default:
                    continue
                }
            }
        }
        return removed
    }

    /// Whether the process that named a staging file (`.<name>.mlops-<pid>-….tmp`) still runs.
    private static func writerIsAlive(_ stagingName: String) -> Bool {
        guard let pid = ObjectStore.stagingWriter(stagingName), pid > 0 else { return true }  // not ours: keep it
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
