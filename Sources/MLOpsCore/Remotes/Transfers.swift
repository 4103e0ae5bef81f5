import Foundation
import MLOpsErrors
import MLOpsStore
import Synchronization

/// What `push` or `fetch` did.
public struct TransferReport: Codable, Sendable, Equatable {
    /// The remote's name.
    public var remote: String
    /// Objects copied.
    public var transferred: Int
    /// Bytes copied.
    public var bytes: Int64
    /// Objects the other side already had.
    public var alreadyPresent: Int
    /// Objects needed but on neither side (push: not in the local cache; fetch: not on the remote).
    public var missing: [String]
    /// Run-cache entries copied (with `runCache`).
    public var runCacheEntries = 0
    /// Objects the remote held corrupt and `push --verify` uploaded again (or all it held, with `--force`).
    public var replaced = 0
    /// What interrupted uploads had left on the remote and `push` removed.
    public var abandonedUploads = 0
    /// The runs and registry records that travelled, when they did (see ``RecordScope``).
    public var records: RecordTransferReport?
}

/// Per tracked target, what is missing where (`status --remote`).
public struct RemoteStatusReport: Codable, Sendable, Equatable {
    public struct Target: Codable, Sendable, Equatable {
        public var path: String
        /// Objects in the local cache that the remote lacks: `push` would send them.
        public var notPushed: Int
        /// Objects the remote has that the local cache lacks: `fetch` would get them.
        public var notFetched: Int
        /// Objects on neither side.
        public var lost: Int
    }

    /// Records (runs and the registry) that one side has and the other lacks.
    public struct Records: Codable, Sendable, Equatable {
        /// Ended runs `push` would publish.
        public var runsNotPushed: Int
        /// Registry changes and run tags or deletions `push` would publish.
        public var eventsNotPushed: Int
        /// Record log entries on the remote `fetch` would merge.
        public var entriesNotFetched: Int
    }

    public var remote: String
    public var targets: [Target]
    /// Nil when the remote is not the default one (records travel only through the default remote).
    public var records: Records?
    public var inSync: Bool {
        targets.allSatisfy { $0.notPushed == 0 && $0.notFetched == 0 && $0.lost == 0 }
            && records.map { $0.runsNotPushed == 0 && $0.eventsNotPushed == 0 && $0.entriesNotFetched == 0 } ?? true
    }
}

/// What to transfer and how.
public struct TransferOptions: Sendable {
    /// Tracked paths (default: everything tracked), relative to `workingDirectory`.
    public var paths: [String]?
    public var workingDirectory: String
    /// The remote's name; nil for the default.
    public var remote: String?
    /// Transfers at once.
    public var jobs: Int = 8
    /// The environment, for S3 credentials.
    public var environment: [String: String] = [:]
    /// Also transfer the run cache (`repro`'s remembered stage results) and the objects it references, so
    /// another clone restores those stages instead of running them.
    public var runCache = false
    /// How `push` treats objects the remote lists already.
    public var remoteCopies = RemoteCopies.trusted
    /// How old (in seconds) an unfinished upload on the remote must be for `push` to remove it: a day, so that
    /// no upload still running on another machine is touched.
    public var abandonedUploadAge: TimeInterval = 86_400
    /// Whether runs and the registry travel too (only through the default remote, and only when no paths are
    /// named; see ``RecordScope``).
    public var records = RecordScope.withData

    /// How `push` treats the objects a remote already lists.
    public enum RemoteCopies: String, Sendable {
        /// Listed means present (the default: one listing, nothing read back).
        case trusted
        /// Each is downloaded and rehashed; corrupt ones are uploaded again.
        case verified
        /// Each is uploaded again, whatever it holds.
        case replaced
    }

    public init(paths: [String]?, workingDirectory: String, remote: String? = nil, environment: [String: String] = [:])
    {
        self.paths = paths
        self.workingDirectory = workingDirectory
        self.remote = remote
        self.environment = environment
    }
}

extension Repository {
    /// Uploads the objects of the tracked data (file contents first, directory manifests last, so a remote
    /// never holds a manifest whose files are not there) that the remote lacks. One listing finds what is
    /// missing; nothing is sent twice, so a push interrupted at any moment completes when re-run.
    ///
    /// With records (``TransferOptions/records``), the objects of registered versions and run artifacts go up with
    /// the data, and then the runs and registry changes this clone has not published (``publishRecords``).
    public func push(_ options: TransferOptions, progress: ProgressHandler? = nil) async throws -> TransferReport {
        let shareRecords = try recordsTravel(options)
        if options.records == .only {
            return try await withRemote(options, connections: options.jobs) { name, remote in
                var report = TransferReport(remote: name, transferred: 0, bytes: 0, alreadyPresent: 0, missing: [])
                report.records = try await holdingRecordsLock {
                    try await publishRecords(to: remote, name: name, jobs: options.jobs)
                }
                return report
            }
        }
        let entries = options.runCache ? try runCache.entries() : [:]
        let targets = try trackedTargets(matching: try relativePaths(options)) + entries.values.flatMap(\.targets)
        let recordObjects = shareRecords ? try objectsOfRecords() : []
        return try await withRemote(options, connections: options.jobs) { name, remote in
            let abandoned = try await remote.removeAbandonedUploads(olderThan: options.abandonedUploadAge)
            var onRemote = try await remote.listObjects()
            var files: [ObjectID: Int64] = [:]
            var manifests: [ObjectID: Int64] = [:]
            var missing = Set<ObjectID>()
            for target in targets {
                if target.pointer.kind == .dir {
                    manifests[target.pointer.oid] = 0
                    guard let entries = try recordedEntries(of: target) else {
                        missing.insert(target.pointer.oid)
                        continue
                    }
                    for entry in entries { files[entry.oid] = entry.size }
                } else {
                    files[target.pointer.oid] = target.pointer.size
                }
            }
            for id in recordObjects where files[id] == nil { files[id] = 0 }
            var report = TransferReport(remote: name, transferred: 0, bytes: 0, alreadyPresent: 0, missing: [])
            report.abandonedUploads = abandoned
            let listed = (Array(files.keys) + Array(manifests.keys)).filter { onRemote.contains($0) }
            let held = listed.filter(store.contains)
            switch options.remoteCopies {
            case .trusted: break
            case .verified:
                // Objects this clone lacks are checked too: a corrupt one cannot be replaced from here, so it ends
                // up with the missing below.
                let corrupt = try await corruptObjects(listed, on: remote, jobs: options.jobs)
                onRemote.subtract(corrupt)
                report.replaced = corrupt.filter(store.contains).count
            case .replaced:
                onRemote.subtract(held)
                report.replaced = held.count
            }
            var total: Int64 = 0
            var phases: [[(ObjectID, Int64)]] = []
            for objects in [files, manifests] {
                var phase: [(ObjectID, Int64)] = []
                for (id, size) in objects.sorted(by: { $0.key < $1.key }) where !missing.contains(id) {
                    if onRemote.contains(id) {
                        report.alreadyPresent += 1
                    } else if store.contains(id) {
                        phase.append((id, size))
                        total = ByteCount.sum(total, size)
                    } else {
                        missing.insert(id)
                    }
                }
                phases.append(phase)
            }
            let meter = TransferMeter(phase: "pushing", total: total, progress: progress)
            for phase in phases {
                try await Self.forEach(phase, jobs: options.jobs) { id, size in
                    let path = self.store.path(of: id)
                    let actualSize = size > 0 ? size : Int64(FileSnapshot.take(path)?.size ?? 0)
                    try await remote.upload(id, from: path, size: actualSize)
                    meter.add(actualSize)
                }
                report.transferred += phase.count
            }
            if options.runCache {
                // An entry goes up only once every object it names is on the remote.
                let present = try await remote.listDocuments(in: RunCacheEntry.folder)
                for (key, entry) in entries.sorted(by: { $0.key < $1.key }) where !present.contains(key) {
                    guard try entry.targets.allSatisfy({ try !objectIDs(of: $0).contains { missing.contains($0) } })
                    else { continue }
                    try await remote.uploadDocument(try entry.encoded(), named: key, in: RunCacheEntry.folder)
                    report.runCacheEntries += 1
                }
            }
            report.bytes = meter.done
            report.missing = missing.map(\.description).sorted()
            if shareRecords {
                // Everything the records name went up above, or is reported missing: no second listing.
                let present = onRemote.union(phases.joined().map(\.0))
                report.records = try await holdingRecordsLock {
                    try await publishRecords(to: remote, name: name, jobs: options.jobs, present: present)
                }
            }
            return report
        }
    }

    /// The objects records name: registered versions' models and run artifacts.
    private func objectsOfRecords() throws -> Set<ObjectID> {
        try registry.objects().union(runs.artifactObjects())
    }

    /// Whether records travel with a transfer: through the default remote only, and only when no paths are named.
    /// Asking for records alone (``RecordScope/only``) anywhere else is a usage error.
    private func recordsTravel(_ options: TransferOptions) throws -> Bool {
        guard options.records != .none else { return false }
        guard let home = config.core.remote else {
            guard options.records != .only else {
                throw MLOpsError(
                    .usage, "runs and the registry travel through the default remote, and there is none",
                    hint: "make one the default: mlops remote default <name>")
            }
            return false
        }
        guard options.remote == nil || options.remote == home else {
            guard options.records != .only else {
                throw MLOpsError(
                    .usage,
                    "runs and the registry travel through the default remote ('\(home)'), not '\(options.remote ?? "")'",
                    hint: "leave out --remote, or make it the default: mlops remote default <name>")
            }
            return false
        }
        return options.records == .only || options.paths == nil
    }

    /// Which of `ids` the remote holds corrupt: each is downloaded to a staging file, hashed and removed.
    private func corruptObjects(_ ids: [ObjectID], on remote: any RemoteStorage, jobs: Int) async throws -> Set<
        ObjectID
    > {
        let corrupt = Mutex<Set<ObjectID>>([])
        try await Self.forEach(ids.map { ($0, 0) }, jobs: jobs) { id, _ in
            let staging = self.store.newStagingPath()
            defer { unlink(staging) }
            do {
                if try await remote.download(id, to: staging).id != id { corrupt.withLock { _ = $0.insert(id) } }
            } catch let error as MLOpsError where error.code == .integrity {
                corrupt.withLock { _ = $0.insert(id) }  // not a file at all (a link, a directory): replace it too
            }
        }
        return corrupt.withLock { $0 }
    }

    /// Downloads the objects of the tracked data that the cache lacks, verifying each against its id before it
    /// enters the cache. Directory manifests come first, then the files they list. A corrupt or absent object is
    /// reported after the others are fetched (`.integrity`, `.notFound`); it never enters the cache.
    ///
    /// With records (``TransferOptions/records``), the remote's new runs and registry records are merged first
    /// (``fetchRecords``), and the objects of registered versions and run artifacts are fetched with the data.
    public func fetch(_ options: TransferOptions, progress: ProgressHandler? = nil) async throws -> TransferReport {
        try await fetch(options, preparingWorkspaceCopies: false, progress: progress).report
    }

    /// ``fetch(_:progress:)``; with `preparingWorkspaceCopies`, each large file the workspace lacks is also written
    /// from the bytes fetched for the cache into a ``PreparedCopy``, for the checkout that follows to put in place.
    func fetch(
        _ options: TransferOptions, preparingWorkspaceCopies: Bool, progress: ProgressHandler?
    ) async throws -> (report: TransferReport, prepared: [String: PreparedCopy]) {
        let shareRecords = try recordsTravel(options)
        if options.records == .only {
            let report = try await withRemote(options, connections: options.jobs) { name, remote in
                var report = TransferReport(remote: name, transferred: 0, bytes: 0, alreadyPresent: 0, missing: [])
                report.records = try await holdingRecordsLock {
                    try await fetchRecords(from: remote, name: name, jobs: options.jobs)
                }
                return report
            }
            return (report, [:])
        }
        var targets = try trackedTargets(matching: try relativePaths(options))
        let workspaceTargets = targets
        let failures = Mutex<[(ObjectID, MLOpsError)]>([])
        let prepared = Mutex<[String: PreparedCopy]>([:])
        let meter = TransferMeter(phase: "fetching", total: nil, progress: progress)
        var report = try await withRemote(options, connections: options.jobs) { name, remote in
            var report = TransferReport(remote: name, transferred: 0, bytes: 0, alreadyPresent: 0, missing: [])
            if shareRecords {
                report.records = try await holdingRecordsLock {
                    try await fetchRecords(from: remote, name: name, jobs: options.jobs)
                }
            }
            let recordObjects = shareRecords ? try objectsOfRecords() : []
            let entries = options.runCache ? try await newRunCacheEntries(on: remote) : [:]
            targets += entries.values.flatMap(\.targets)
            let download = {
                (copies: [ObjectID: [WorkspaceCopy]]) -> @Sendable (ObjectID, Int64) async throws -> Void in
                { id, _ in
                    let staging = self.store.newStagingPath()
                    let duplicates = (copies[id] ?? []).compactMap {
                        PreparedCopy(path: $0.path, oid: id, in: $0.directory, executable: $0.executable)
                    }
                    do {
                        let written = try await remote.download(
                            id, to: staging, duplicates: duplicates.map(\.duplicate))
                        try self.store.adopt(staging, as: id, digest: written.id)
                        prepared.withLock { for copy in duplicates { $0[copy.path] = copy } }
                        meter.add(written.size)
                    } catch let error as MLOpsError where error.code == .integrity || error.code == .notFound {
                        unlink(staging)
                        failures.withLock { $0.append((id, error)) }
                    } catch {
                        unlink(staging)
                        throw error
                    }
                }
            }
            let manifests = Set(targets.filter { $0.pointer.kind == .dir }.map(\.pointer.oid))
            let absentManifests = manifests.filter { !store.contains($0) }.sorted()
            try await Self.forEach(absentManifests.map { ($0, 0) }, jobs: options.jobs, download([:]))
            var files: [ObjectID: Int64] = [:]
            for target in targets {
                for entry in try recordedEntries(of: target) ?? [] { files[entry.oid] = entry.size }
            }
            for id in recordObjects where files[id] == nil { files[id] = 0 }
            report.alreadyPresent = manifests.count - absentManifests.count
            var absent: [(ObjectID, Int64)] = []
            for (id, size) in files.sorted(by: { $0.key < $1.key }) {
                if store.contains(id) { report.alreadyPresent += 1 } else { absent.append((id, size)) }
            }
            meter.setTotal(ByteCount.total(absent.lazy.map(\.1)))
            let copies = preparingWorkspaceCopies ? try workspaceCopies(of: workspaceTargets) : [:]
            try await Self.forEach(absent, jobs: options.jobs, download(copies))
            try store.synchronize()
            // An entry enters the run cache only once every object it names is in the cache.
            for (key, entry) in entries.sorted(by: { $0.key < $1.key })
            where try entry.targets.allSatisfy({ try objectIDs(of: $0).allSatisfy(store.contains) }) {
                try runCache.remember(key, stage: entry.stage, outputs: entry.outs)
                report.runCacheEntries += 1
            }
            return report
        }
        let name = report.remote
        let failed = failures.withLock { $0 }
        report.transferred = meter.count
        report.bytes = meter.done
        report.missing = failed.filter { $0.1.code == .notFound }.map(\.0.description).sorted()
        if let corrupt = failed.first(where: { $0.1.code == .integrity }) {
            throw MLOpsError(
                .integrity,
                "\(failed.filter { $0.1.code == .integrity }.count) object(s) on the remote '\(name)' are corrupt and were not used; first: \(corrupt.0)",
                hint:
                    "repair the remote with `mlops push --verify` from a clone whose `mlops fsck` is clean; everything else was fetched"
            )
        }
        if !report.missing.isEmpty {
            throw MLOpsError(
                .notFound,
                "\(report.missing.count) object(s) are not on the remote '\(name)'; first: \(report.missing[0])",
                hint: "push them from a clone that has them; everything else was fetched")
        }
        return (report, prepared.withLock { $0 })
    }

    /// A workspace file to write while fetching its object.
    private struct WorkspaceCopy: Sendable {
        let path: String
        let directory: String
        let executable: Bool
    }

    /// A pull prepares at most this many copies: each holds a file descriptor until the checkout.
    private static let preparedCopyLimit = 256

    /// The workspace files a pull writes while fetching, by object: files larger than one copy chunk (written to
    /// the cache with direct I/O, so reading them back for the checkout would cost the disk another pass) that
    /// are missing from the workspace and not in the cache, where files are copies (not links). Their
    /// directories are created, as the checkout would.
    private func workspaceCopies(of targets: [TrackedTarget]) throws -> [ObjectID: [WorkspaceCopy]] {
        guard config.core.link == .copy else { return [:] }
        var copies: [ObjectID: [WorkspaceCopy]] = [:]
        var count = 0
        for target in targets {
            for entry in try recordedEntries(of: target) ?? []
            where entry.size > Int64(HashingCopy.chunkSize) && !store.contains(entry.oid)
                && count < Self.preparedCopyLimit
            {
                let path = target.pointer.kind == .dir ? WorkspacePath.join(target.path, entry.path) : target.path
                let destination = absolute(path)
                guard FileSnapshot.take(destination) == nil else { continue }
                let directory = WorkspacePath.parent(destination)
                // One that cannot be created is the checkout's to report.
                do { try Self.createDirectory(directory) } catch { continue }
                copies[entry.oid, default: []].append(
                    WorkspaceCopy(path: path, directory: directory, executable: entry.exec))
                count += 1
            }
        }
        return copies
    }

    /// Fetches, then checks out the same paths. A large file missing from the workspace is written there from the
    /// bytes fetched for the cache, in the same pass, rather than read back from the cache: its bytes cross the
    /// disk once (see ``PreparedCopy``).
    /// With records only (``RecordScope/only``) it is a fetch of the records, and the workspace is not touched.
    public func pull(
        _ options: TransferOptions, force: Bool = false, progress: ProgressHandler? = nil
    ) async throws -> (fetched: TransferReport, checkout: CheckoutResult) {
        if options.records == .only {
            return (
                try await fetch(options, progress: progress), CheckoutResult(restored: [], removed: [], unchanged: 0)
            )
        }
        let fetched: TransferReport
        let prepared: [String: PreparedCopy]
        do {
            (fetched, prepared) = try await fetch(options, preparingWorkspaceCopies: true, progress: progress)
        } catch let failure as MLOpsError where failure.code == .integrity || failure.code == .notFound {
            // Objects that did not arrive must not hold back the targets that did: check those out, then report
            // the failure (the checkout's own complaint about the same objects adds nothing).
            let targets = try trackedTargets(matching: try relativePaths(options))
            // A directory's files are listed only when its manifest arrived, so this needs every object of each.
            let whole = try targets.filter { try objectIDs(of: $0).allSatisfy(store.contains) }
            if !whole.isEmpty {
                _ = try checkout(
                    whole.map { absolute($0.path) }, relativeTo: root, force: force, prepared: [:], progress: progress)
            }
            throw failure
        }
        let checkout = try checkout(
            options.paths, relativeTo: options.workingDirectory, force: force, prepared: prepared, progress: progress)
        return (fetched, checkout)
    }

    /// Compares the objects of the tracked data in the cache and on the remote (one listing of the remote).
    /// With records, the objects of registered versions and run artifacts are two more rows, and what records each
    /// side lacks is counted.
    public func remoteStatus(_ options: TransferOptions) async throws -> RemoteStatusReport {
        let targets = try trackedTargets(matching: try relativePaths(options))
        let shareRecords = try recordsTravel(options)
        var records: RemoteStatusReport.Records?
        let (name, onRemote) = try await withRemote(options, connections: 2) { name, remote in
            let onRemote = try await remote.listObjects()
            if shareRecords {
                let head = try syncedLog.head()
                let newer = try await remote.listDocuments(
                    in: RecordLogEntry.folder, after: head.map { RecordLogEntry.name(of: $0.position) })
                records = RemoteStatusReport.Records(
                    runsNotPushed: try runs.unpublishedCount(),
                    eventsNotPushed: try runs.pendingEvents().count + registry.pendingEvents().count,
                    entriesNotFetched: newer.compactMap(RecordLogEntry.position(ofName:)).count)
            }
            // A directory's file list is in its manifest: fetch the manifests the cache lacks (small, verified) so
            // the files can be compared too.
            try await fetchObjects(
                targets.filter { $0.pointer.kind == .dir && onRemote.contains($0.pointer.oid) }.map(\.pointer.oid),
                from: remote, jobs: 2)
            return (name, onRemote)
        }
        var report = RemoteStatusReport(remote: name, targets: [], records: records)
        var rows: [(path: String, ids: [ObjectID])] = []
        for target in targets {
            var ids = [target.pointer.oid]
            if target.pointer.kind == .dir { ids += (try recordedEntries(of: target) ?? []).map(\.oid) }
            rows.append((target.path, ids))
        }
        if shareRecords {
            rows.append(("(registered models)", try registry.objects().sorted()))
            rows.append(("(run artifacts)", try runs.artifactObjects().sorted()))
        }
        for (path, ids) in rows {
            var entry = RemoteStatusReport.Target(path: path, notPushed: 0, notFetched: 0, lost: 0)
            for id in Set(ids) {
                switch (store.contains(id), onRemote.contains(id)) {
                case (true, false): entry.notPushed += 1
                case (false, true): entry.notFetched += 1
                case (false, false): entry.lost += 1
                case (true, true): break
                }
            }
            report.targets.append(entry)
        }
        return report
    }

    /// The run-cache entries on `remote` that this repository lacks. A document that is not an entry is skipped:
    /// entries only tell `repro` what a stage produced, and every object they name is verified when fetched.
    private func newRunCacheEntries(on remote: any RemoteStorage) async throws -> [String: RunCacheEntry] {
        let known = try await runCache.keys()
        var entries: [String: RunCacheEntry] = [:]
        for name in try await remote.listDocuments(in: RunCacheEntry.folder).sorted()
        where RunCacheEntry.isKey(name) && !known.contains(name) {
            let bytes = try await remote.downloadDocument(named: name, in: RunCacheEntry.folder)
            entries[name] = try? JSONDecoder().decode(RunCacheEntry.self, from: Data(bytes))
        }
        return entries
    }

    /// A target's object and, for a directory whose manifest is cached, the objects of its files.
    private func objectIDs(of target: TrackedTarget) throws -> [ObjectID] {
        [target.pointer.oid] + (try recordedEntries(of: target) ?? []).map(\.oid)
    }

    /// Opens the remote `options` names, runs `body` with its name and storage, and closes it either way.
    private func withRemote<Result>(
        _ options: TransferOptions, connections: Int, _ body: (String, any RemoteStorage) async throws -> Result
    ) async throws -> Result {
        try await withRemote(options.remote, connections: connections, environment: options.environment, body)
    }

    /// Opens remote `name` (nil: the default), runs `body` with its name and storage, and closes it either way.
    func withRemote<Result>(
        _ name: String?, connections: Int, environment: [String: String],
        _ body: (String, any RemoteStorage) async throws -> Result
    ) async throws -> Result {
        let (name, remote) = try openRemote(name, connections: connections, environment: environment)
        do {
            let result = try await body(name, remote)
            await remote.close()
            return result
        } catch {
            await remote.close()
            throw error
        }
    }

    private func relativePaths(_ options: TransferOptions) throws -> [String]? {
        try options.paths.map { try $0.map { try repositoryPath(of: $0, relativeTo: options.workingDirectory) } }
    }

    /// Runs `body` for every item with at most `jobs` running at once; the first error cancels the rest.
    static func forEach(
        _ items: [(ObjectID, Int64)], jobs: Int, _ body: @escaping @Sendable (ObjectID, Int64) async throws -> Void
    ) async throws {
        try await concurrentMap(items, jobs: jobs) { try await body($0.0, $0.1) }
    }

    /// `transform` over `items` with at most `jobs` at once, results in the order of `items`; the first error
    /// cancels the rest.
    @discardableResult
    static func concurrentMap<Item: Sendable, Result: Sendable>(
        _ items: [Item], jobs: Int, _ transform: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: items.count)
            var next = 0
            func start() {
                let index = next
                let item = items[index]
                group.addTask { (index, try await transform(item)) }
                next += 1
            }
            while next < min(max(jobs, 1), items.count) { start() }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count { start() }
            }
            return results.compactMap { $0 }
        }
    }
}

/// Counts transferred objects and bytes and reports progress.
private final class TransferMeter: Sendable {
    private let state: Mutex<(bytes: Int64, count: Int, total: Int64?)>
    private let phase: String
    private let progress: ProgressHandler?

    init(phase: String, total: Int64?, progress: ProgressHandler?) {
        state = Mutex((0, 0, total))
        self.phase = phase
        self.progress = progress
    }

    func setTotal(_ total: Int64) { state.withLock { $0.total = total } }

    func add(_ bytes: Int64) {
        let now = state.withLock { state -> (Int64, Int64?) in
            state.bytes += bytes
            state.count += 1
            return (state.bytes, state.total)
        }
        progress?(ProgressUpdate(phase: phase, completed: now.0, total: now.1, unit: .bytes))
    }

    var done: Int64 { state.withLock { $0.bytes } }
    var count: Int { state.withLock { $0.count } }
}
