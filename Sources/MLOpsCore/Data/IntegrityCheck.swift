import MLOpsErrors
import MLOpsParallel
import MLOpsStore

/// What `fsck` found.
public struct IntegrityReport: Sendable, Codable, Equatable {
    /// An object that something references but the cache does not have.
    public struct MissingObject: Sendable, Codable, Equatable {
        public var oid: ObjectID
        /// The tracked target that references it.
        public var referencedBy: String
    }

    /// A pointer file that cannot be read.
    public struct InvalidPointer: Sendable, Codable, Equatable {
        public var path: String
        public var error: String
    }

    /// How many objects were rehashed.
    public var checkedObjects: Int
    /// How many bytes were rehashed.
    public var checkedBytes: Int64
    /// Objects whose bytes no longer match their id.
    public var corrupt: [ObjectID]
    /// Referenced objects absent from the cache.
    public var missing: [MissingObject]
    /// Pointer files that do not parse.
    public var invalidPointers: [InvalidPointer]
    /// Staging files left by interrupted writers (harmless; `gc` removes them).
    public var temporaryFiles: Int

    /// Whether nothing is corrupt, missing or invalid.
    public var clean: Bool { corrupt.isEmpty && missing.isEmpty && invalidPointers.isEmpty }
}

extension Repository {
    /// Rehashes every object in the cache on both cores, and checks that every pointer parses and every object
    /// it references is present. Takes no lock and changes nothing, except that when objects are missing `status`
    /// stops trusting directories it had found complete (``CachedManifests``).
    public func checkIntegrity(progress: ProgressHandler? = nil) throws -> IntegrityReport {
        let store = self.store
        let objects = try store.allObjects()
        let total = objects.reduce(Int64(0)) { $0 + (FileSnapshot.take(store.path(of: $1))?.size ?? 0) }
        let reporter = progress.map { ByteProgress(phase: "verifying", total: total, handler: $0) }
        let sizes: [Int64?] = try ParallelWork.map(objects.count) { index in
            do {
                let size = try store.verify(objects[index])
                reporter?.advance(Int(size))
                return size
            } catch let error as MLOpsError where error.code == .integrity {
                return nil
            } catch let error as MLOpsError where error.code == .notFound {
                return 0  // removed by a concurrent gc after the listing
            }
        }
        var report = IntegrityReport(
            checkedObjects: objects.count, checkedBytes: sizes.reduce(0) { $0 + ($1 ?? 0) },
            corrupt: zip(objects, sizes).filter { $0.1 == nil }.map(\.0).sorted(), missing: [], invalidPointers: [],
            temporaryFiles: try DirectoryListing.names(in: store.temporaryDirectory, missingIsEmpty: true).count)
        (report.missing, report.invalidPointers) = try referencedObjectsMissing(besides: Set(report.corrupt))
        if !report.missing.isEmpty { try? cachedManifests.forgetAll() }
        return report
    }

    /// The objects tracked data references that the cache lacks, and the pointer files that do not parse. The
    /// files of a directory whose manifest is in `corrupt` cannot be listed and are skipped.
    func referencedObjectsMissing(
        besides corrupt: Set<ObjectID>
    ) throws -> (missing: [IntegrityReport.MissingObject], invalidPointers: [IntegrityReport.InvalidPointer]) {
        var missing: [IntegrityReport.MissingObject] = []
        var invalid: [IntegrityReport.InvalidPointer] = []
        for pointerPath in try findPointers(under: "").sorted() {
            let dataPath = String(pointerPath.dropLast(PointerFile.suffix.count))
            do {
                let pointer = try PointerFile.read(at: absolute(pointerPath), displayPath: pointerPath)
                let target = TrackedTarget(path: dataPath, pointer: pointer)
                guard store.contains(pointer.oid) else {
                    missing.append(.init(oid: pointer.oid, referencedBy: dataPath))
                    continue
                }
                guard pointer.kind == .dir, !corrupt.contains(pointer.oid) else { continue }
                for entry in try recordedEntries(of: target) ?? [] where !store.contains(entry.oid) {
                    missing.append(.init(oid: entry.oid, referencedBy: WorkspacePath.join(dataPath, entry.path)))
                }
            } catch let error as MLOpsError {
                invalid.append(.init(path: pointerPath, error: error.message))
            }
        }
        return (missing, invalid)
    }
}
