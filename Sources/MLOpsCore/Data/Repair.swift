import MLOpsErrors
import MLOpsStore

/// What `fsck --repair` did and what is still wrong.
public struct RepairReport: Codable, Sendable, Equatable {
    /// The check before the repair.
    public var found: IntegrityReport
    /// Corrupt objects moved out of the cache into `.mlops/quarantine/` (kept for a look; `gc` removes them).
    public var quarantined: [ObjectID]
    /// What was fetched from the remote, when one is configured.
    public var fetched: TransferReport?
    /// Why fetching failed part way (objects corrupt or absent on the remote too), if it did.
    public var fetchProblem: String?
    /// Referenced objects the cache still lacks after the repair.
    public var stillMissing: [IntegrityReport.MissingObject]

    /// Whether the cache now holds every referenced object intact (invalid pointers are git's to fix).
    public var repaired: Bool { stillMissing.isEmpty }
}

extension Repository {
    /// The directory corrupt objects are moved to.
    public var quarantineDirectory: String { metadataDirectory + "/quarantine" }

    /// Checks every object, moves corrupt ones out of the cache, and fetches good copies of everything tracked
    /// data references (the corrupt and the missing) from the remote `options` names (or the default one; none
    /// configured means quarantine only). A fetch that cannot deliver some objects is reported, not thrown, so the
    /// rest of the repair stands.
    public func repair(_ options: TransferOptions, progress: ProgressHandler? = nil) async throws -> RepairReport {
        let found = try checkIntegrity(progress: progress)
        do {
            let lock = try lock(for: "fsck --repair")
            defer { withExtendedLifetime(lock) {} }
            for id in found.corrupt { try store.quarantine(id, into: quarantineDirectory) }
        }
        var report = RepairReport(
            found: found, quarantined: found.corrupt, fetched: nil, fetchProblem: nil, stillMissing: [])
        let needsFetch = !found.corrupt.isEmpty || !found.missing.isEmpty
        if needsFetch, options.remote != nil || config.core.remote != nil {
            var everything = options
            everything.paths = nil
            do {
                report.fetched = try await fetch(everything, progress: progress)
            } catch let error as MLOpsError where error.code == .integrity || error.code == .notFound {
                report.fetchProblem = error.message
            }
        }
        report.stillMissing = try referencedObjectsMissing(besides: []).missing
        if !found.corrupt.isEmpty || !report.stillMissing.isEmpty {
            try? cachedManifests.forgetAll()
        }
        return report
    }
}
