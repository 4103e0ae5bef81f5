import Foundation
import MLOpsCore
import Synchronization

/// Every run of the repository as last read, read again only when the metadata database has changed since:
/// the runs page of a repository with ten thousand runs filters and sorts this snapshot in memory instead of
/// reading two hundred thousand metric rows per request.
final class RunCatalog: Sendable {
    /// One read of the runs, with the column names the runs table offers.
    struct Snapshot: Sendable {
        var runs: [Run]
        /// Index in `runs` by full id.
        var positions: [String: Int]
        /// Every metric and parameter name some run has, sorted.
        var metricKeys: [String]
        var paramKeys: [String]
        /// The columns the runs table shows when none are chosen: the metrics and parameters most runs have.
        var defaultColumns: [String]
        /// Trial ids by the id of the tune run that ran them, in `runs` order.
        var children: [String: [String]]
        /// ``Repository/recordsChangeMarker()`` when this was read, and when.
        var marker: ChangeMarker
        var readAt: Date

        /// Whether this still holds every run: nothing was recorded since it was read.
        func isCurrent(_ marker: ChangeMarker) -> Bool { self.marker == marker && marker.isSettled(at: readAt) }
    }

    private let repository: Repository
    private let current = Mutex<Snapshot?>(nil)
    /// Serializes reloads: ten requests that see the same change read the runs once.
    private let reloading = Mutex<Void>(())

    init(repository: Repository) { self.repository = repository }

    /// The runs as they are now: the cached snapshot when nothing was recorded since it was read.
    func snapshot() throws -> Snapshot {
        if let snapshot = current.withLock({ $0 }), snapshot.isCurrent(repository.recordsChangeMarker()) {
            return snapshot
        }
        return try reloading.withLock { _ in
            let marker = repository.recordsChangeMarker()
            if let snapshot = current.withLock({ $0 }), snapshot.isCurrent(marker) { return snapshot }
            let readAt = Date()
            let snapshot = Self.index(try repository.runs.list(), marker: marker, readAt: readAt)
            current.withLock { $0 = snapshot }
            return snapshot
        }
    }

    private static func index(_ runs: [Run], marker: ChangeMarker, readAt: Date) -> Snapshot {
        var positions: [String: Int] = [:]
        var metricCounts: [String: Int] = [:]
        var paramCounts: [String: Int] = [:]
        var children: [String: [String]] = [:]
        for (index, run) in runs.enumerated() {
            positions[run.id] = index
            for key in run.metrics.keys { metricCounts[key, default: 0] += 1 }
            for key in run.params.keys { paramCounts[key, default: 0] += 1 }
            if let parent = run.parent { children[parent, default: []].append(run.id) }
        }
        func mostCommon(_ counts: [String: Int], _ count: Int, prefix: String) -> [String] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count)
                .map { prefix + $0.key }.sorted()
        }
        return Snapshot(
            runs: runs, positions: positions, metricKeys: metricCounts.keys.sorted(),
            paramKeys: paramCounts.keys.sorted(),
            defaultColumns: mostCommon(paramCounts, 4, prefix: "params.")
                + mostCommon(metricCounts, 6, prefix: "metrics."),
            children: children, marker: marker, readAt: readAt)
    }
}
