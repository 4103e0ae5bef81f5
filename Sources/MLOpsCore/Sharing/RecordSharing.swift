import Foundation
import MLOpsErrors
import MLOpsStore

/// What travelled when records (runs and the registry) were pushed or fetched.
public struct RecordTransferReport: Codable, Sendable, Equatable {
    /// Record log entries written (push) or merged (fetch).
    public var entries = 0
    /// Runs published (push) or imported (fetch).
    public var runs = 0
    /// Events published or merged.
    public var events = 0
    /// Pending registrations that got another number because another clone published theirs first.
    public var renumbered: [Renumbering] = []

    public init() {}

    mutating func add(_ other: RecordTransferReport) {
        entries += other.entries
        runs += other.runs
        events += other.events
        renumbered += other.renumbered
    }
}

/// Which records a transfer moves besides tracked data.
public enum RecordScope: String, Sendable {
    /// Data only.
    case none
    /// Data, and runs and the registry with their objects (through the default remote only).
    case withData
    /// Runs and the registry only (and, pushing, the objects they reference).
    case only
}

extension Repository {
    /// Takes the lock that keeps this clone's record transfers (push, fetch, an online registration, a server
    /// following the remote) one at a time, so no two of them read pending records and the log's head apart.
    /// Callers of ``fetchRecords`` and ``publishRecords`` hold it.
    func recordsLock(waiting timeout: TimeInterval = RepositoryLock.defaultTimeout * 10) throws -> RepositoryLock {
        try RepositoryLock(
            metadataDirectory: metadataDirectory, purpose: "sharing records", timeout: timeout, name: "lock.records")
    }

    /// Runs `body` holding ``recordsLock(waiting:)``.
    func holdingRecordsLock<Result>(
        waiting timeout: TimeInterval = RepositoryLock.defaultTimeout * 10, _ body: () async throws -> Result
    ) async throws -> Result {
        let lock = try recordsLock(waiting: timeout)
        defer { withExtendedLifetime(lock) {} }
        return try await body()
    }

    /// Merges the entries of the remote's record log this clone has not merged yet (one listing, starting after
    /// the last merged entry), after checking all of them: positions without gaps, each entry continuing the
    /// chain of hashes from the last one merged here, and each new run record matching the hash its entry holds.
    /// A failed check merges nothing (`integrity`, exit 7). With `fetchingModels`, the model objects of newly
    /// registered versions are downloaded (verified) before anything is merged, so an alias never points at a
    /// version whose model is not here. Without `importingRuns`, run records are not downloaded (only which runs
    /// were published, and their hashes, are kept: ``importPublishedRun(_:from:name:)`` brings one later); only a
    /// throwaway repository that needs the registry alone (``RemoteBundleFetch``) does that.
    func fetchRecords(
        from remote: any RemoteStorage, name: String, jobs: Int, fetchingModels: Bool = false,
        importingRuns: Bool = true
    ) async throws -> RecordTransferReport {
        var report = RecordTransferReport()
        let head = try syncedLog.head()
        if let head, head.remote != remote.location {
            throw MLOpsError(
                .invalidState,
                "this clone shares its runs and registry through '\(head.remote)', not '\(remote.location)'",
                hint: "point the default remote back there, or move data only: --no-metadata")
        }
        let names = try await remote.listDocuments(
            in: RecordLogEntry.folder, after: head.map { RecordLogEntry.name(of: $0.position) })
        let positions = names.compactMap(RecordLogEntry.position(ofName:)).sorted()
        guard !positions.isEmpty else { return report }
        let first = (head?.position ?? 0) + 1
        guard positions == Array(first..<(first + positions.count)) else {
            throw MLOpsError(
                .integrity,
                "the record log on the remote '\(name)' has a gap: after entry \(first - 1) it holds \(positions[0])"
                    + (positions.count > 1 ? "…\(positions[positions.count - 1])" : ""),
                hint: "entries were removed from \(remote.location)/\(RecordLogEntry.folder); nothing was merged")
        }
        let documents = try await Self.concurrentMap(positions, jobs: jobs) { position in
            try await remote.downloadDocument(named: RecordLogEntry.name(of: position), in: RecordLogEntry.folder)
        }
        var previous = head?.sha256
        var entries: [(entry: RecordLogEntry, sha256: String)] = []
        for (position, bytes) in zip(positions, documents) {
            let entry = try RecordLogEntry.decode(bytes, position: position, remote: name)
            guard entry.previous == previous else {
                throw MLOpsError(
                    .integrity,
                    "record log entry \(position) on the remote '\(name)' does not continue the history this clone "
                        + "has (the hash of the entry before it differs)",
                    hint: "the remote's records were changed, or the default remote now points at another one; "
                        + "nothing was merged")
            }
            previous = RecordLogEntry.digest(bytes)
            entries.append((entry, previous ?? ""))
        }
        let published = entries.flatMap(\.entry.runs)
        for run in published where !Self.isRunIDText(run.id) {
            throw MLOpsError(
                .integrity, "a record log entry on the remote '\(name)' names '\(run.id)', which is not a run id",
                hint: "the remote's records were changed; nothing was merged")
        }
        for event in entries.flatMap(\.entry.events) { try event.validate() }
        let known = try runs.knownOrDeleted(published.map(\.id))
        let wanted = importingRuns ? published.filter { !known.contains($0.id) } : []
        let records = try await Self.concurrentMap(wanted, jobs: jobs) { run in
            let bytes = try await remote.downloadDocument(named: run.id + ".json", in: RunRecord.folder)
            return try RunRecord.decode(bytes, publishedAs: run, remote: name)
        }
        let events = entries.flatMap { item in
            item.entry.events.enumerated().map { (event: $1, position: item.entry.position, index: $0) }
        }
        if fetchingModels {
            try await fetchObjects(try modelObjects(namedBy: events.map(\.event)), from: remote, jobs: jobs)
            // Reference profiles of training runs come too, so a server following the remote can measure drift;
            // one the remote lacks costs monitoring that profile, not the fetch.
            let profiles = records.filter { ["train", "tune"].contains($0.kind) }.flatMap(\.artifacts)
                .filter { $0.name == "profile" }.compactMap { try? ObjectID(parsing: $0.oid) }
            try? await fetchObjects(profiles, from: remote, jobs: jobs)
        }
        report.runs = try runs.merge(records: records, published: published, events: events)
        report.renumbered = try registry.merge(events)
        try syncedLog.record(entries.map { ($0.entry.position, $0.sha256) }, remote: remote.location)
        report.entries = entries.count
        report.events = events.count
        return report
    }

    /// Downloads and merges the record of run `id`, which a merged log entry published (checked against the hash
    /// the entry holds). Does nothing for a run that is here; throws `notFound` for one never published.
    func importPublishedRun(_ id: String, from remote: any RemoteStorage, name: String) async throws {
        guard try runs.knownOrDeleted([id]).isEmpty else { return }
        guard let sha256 = try runs.publishedDigest(of: id) else {
            throw MLOpsError(.notFound, "the remote '\(name)' has no record of run \(id)")
        }
        let published = RecordLogEntry.PublishedRun(id: id, sha256: sha256)
        let bytes = try await remote.downloadDocument(named: id + ".json", in: RunRecord.folder)
        let record = try RunRecord.decode(bytes, publishedAs: published, remote: name)
        _ = try runs.merge(records: [record], published: [], events: [])
    }

    /// Publishes what this clone has not: the runs that ended (their records first, then the objects they and
    /// pending registrations reference, then the entries naming them) and every pending event. Merges the
    /// remote's log first; when another clone appends at the same moment, merges again (which may renumber a
    /// pending registration) and retries at the next position. An entry is created whole or not at all, so a
    /// push killed at any moment leaves no partial record, and re-running it completes the work.
    ///
    /// `present` is what the caller knows the remote holds (a push that has just uploaded); without it the remote
    /// is listed.
    func publishRecords(
        to remote: any RemoteStorage, name: String, jobs: Int, includingRuns: Bool = true,
        present known: Set<ObjectID>? = nil
    ) async throws -> RecordTransferReport {
        var report = RecordTransferReport()
        report.renumbered = try await fetchRecords(from: remote, name: name, jobs: jobs).renumbered
        try await checkHead(on: remote, name: name)
        let records = includingRuns ? try runs.unpublishedRecords() : []
        var referenced = Set(records.flatMap(\.artifacts).compactMap { try? ObjectID(parsing: $0.oid) })
        for event in try registry.pendingEvents() {
            for oid in [event.version?.oid, event.version?.lineage?.profile].compactMap({ $0 }) {
                if let id = try? ObjectID(parsing: oid) { referenced.insert(id) }
            }
        }
        if !referenced.isEmpty {
            let present: Set<ObjectID>
            if let known { present = known } else { present = try await remote.listObjects() }
            if let lost = referenced.subtracting(present).filter({ !store.contains($0) }).min() {
                throw MLOpsError(
                    .notFound,
                    "object \(lost), which records to publish name, is neither here nor on the remote '\(name)'",
                    hint: "fetch it from a clone that has it (mlops fetch), then push again; nothing was published")
            }
            let absent = referenced.subtracting(present).filter(store.contains).sorted()
            try await Self.concurrentMap(absent, jobs: jobs) { id in
                let path = self.store.path(of: id)
                try await remote.upload(id, from: path, size: Int64(FileSnapshot.take(path)?.size ?? 0))
            }
        }
        let recordedTags = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0.tags) })
        var pendingRuns = try await Self.concurrentMap(records, jobs: jobs) { record in
            let bytes = try SharedJSON.encode(record)
            try await remote.uploadDocument(bytes, named: record.id + ".json", in: RunRecord.folder)
            return RecordLogEntry.PublishedRun(id: record.id, sha256: RecordLogEntry.digest(bytes))
        }[...]
        var attempts = 0
        while true {
            let runChunk = Array(pendingRuns.prefix(Self.runsPerEntry))
            let events = Array((try runs.pendingEvents() + registry.pendingEvents()).prefix(Self.eventsPerEntry))
            if runChunk.isEmpty && events.isEmpty { break }
            let head = try syncedLog.head()
            let position = (head?.position ?? 0) + 1
            let entry = RecordLogEntry(
                position: position, previous: head?.sha256, pushedBy: ActingUser.current,
                pushedNs: StoredTime.nanoseconds(Date()), runs: runChunk, events: events)
            let bytes = try entry.encoded()
            let entryName = RecordLogEntry.name(of: position)
            var created = try await remote.createDocument(bytes, named: entryName, in: RecordLogEntry.folder)
            if !created {
                // A retried request may have succeeded the first time: then the entry there is this one.
                created =
                    (try? await remote.downloadDocument(named: entryName, in: RecordLogEntry.folder)) == bytes
            }
            guard created else {
                attempts += 1
                guard attempts < Self.appendAttempts else {
                    throw MLOpsError(
                        .conflict,
                        "the record log on the remote '\(name)' changed \(attempts) times while this push appended",
                        hint: "push again when the other pushes are done")
                }
                // Another clone appended first: back off a little (many pushing at once would otherwise keep
                // colliding), merge its entry and try the next position.
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...(20 * min(attempts, 10)))))
                report.renumbered += try await fetchRecords(from: remote, name: name, jobs: jobs).renumbered
                continue
            }
            let placed = events.enumerated().map { (id: $1.id, position: position, index: $0) }
            try runs.markPublished(runChunk, recordedTags: recordedTags)
            try runs.markEventsPublished(placed)
            try registry.markPublished(placed)
            try syncedLog.record([(position, RecordLogEntry.digest(bytes))], remote: remote.location)
            pendingRuns = pendingRuns.dropFirst(runChunk.count)
            report.entries += 1
            report.runs += runChunk.count
            report.events += events.count
        }
        return report
    }

    /// Checks that the remote still holds the last entry merged here, as merged: a remote that was emptied or
    /// replaced would otherwise get entries that continue a history it does not have.
    private func checkHead(on remote: any RemoteStorage, name: String) async throws {
        guard let head = try syncedLog.head() else { return }
        let bytes: [UInt8]
        do {
            bytes = try await remote.downloadDocument(
                named: RecordLogEntry.name(of: head.position), in: RecordLogEntry.folder)
        } catch let error as MLOpsError where error.code == .notFound {
            throw MLOpsError(
                .integrity,
                "the remote '\(name)' no longer holds record log entry \(head.position), which this clone merged",
                hint: "it was emptied or replaced; restore it, or move data only: --no-metadata")
        }
        guard RecordLogEntry.digest(bytes) == head.sha256 else {
            throw MLOpsError(
                .integrity,
                "record log entry \(head.position) on the remote '\(name)' differs from the one this clone merged",
                hint: "the remote's records were changed; nothing was published")
        }
    }

    /// The model objects the registry will need once `events` are merged: those of versions they register, and
    /// of versions already known here that they move an alias to.
    private func modelObjects(namedBy events: [SharedEvent]) throws -> [ObjectID] {
        var registered: [String: String] = [:]
        var oids: [String] = []
        for event in events {
            guard let model = event.model, let number = event.toVersion else { continue }
            switch event.kind {
            case .register:
                if let oid = event.version?.oid {
                    registered["\(model)@\(number)"] = oid
                    oids.append(oid)
                }
                if let profile = event.version?.lineage?.profile { oids.append(profile) }
            case .promote, .rollback:
                if let oid = registered["\(model)@\(number)"]
                    ?? (try? registry.version(.version(name: model, version: number)))?.oid
                {
                    oids.append(oid)
                }
            default:
                break
            }
        }
        return oids.compactMap { try? ObjectID(parsing: $0) }
    }

    /// Downloads the objects among `ids` the store lacks, verifying each before it enters the store.
    func fetchObjects(_ ids: [ObjectID], from remote: any RemoteStorage, jobs: Int) async throws {
        let absent = Set(ids).filter { !store.contains($0) }.sorted()
        // A follower calls this every few seconds, nearly always with nothing to do: no sync then.
        guard !absent.isEmpty else { return }
        try await Self.concurrentMap(absent, jobs: jobs) { id in
            let staging = self.store.newStagingPath()
            do {
                let written = try await remote.download(id, to: staging)
                try self.store.adopt(staging, as: id, digest: written.id)
            } catch {
                unlink(staging)
                throw error
            }
        }
        try store.synchronize()
    }

    /// An entry holds at most this many runs and events, so entries stay far below a remote document's limit.
    static let runsPerEntry = 1_000
    static let eventsPerEntry = 500
    /// How often a push retries at the next position when other clones keep appending first.
    static let appendAttempts = 50

    /// Whether `text` has the form of a run id (a UUID: hex digits and hyphens), so it is safe as a name.
    static func isRunIDText(_ text: String) -> Bool {
        text.utf8.count == 36
            && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D }
    }
}
