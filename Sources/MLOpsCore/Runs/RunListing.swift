import Foundation
import MLOpsErrors

/// How `runs list` narrows and orders runs.
public struct RunListing: Sendable {
    /// Keep runs matching this filter (`--where`).
    public var filter: RunFilter?
    /// Keep runs with this name.
    public var name: String?
    /// Keep runs with this status.
    public var status: RunStatus?
    /// Keep runs of this kind.
    public var kind: RunKind?
    /// Keep runs started at or after this time.
    public var since: Date?
    /// Sort by this field (`started`, `name`, `metrics.rmse`, `params.max_leaves`…), ascending unless `descending`.
    public var sortKey: String = "started"
    public var descending = true
    /// At most this many runs.
    public var limit: Int?

    public init() {}

    /// The runs of `runs` this listing keeps, in its order (ties by id, in the same direction), at most `limit`.
    public func apply(to runs: [Run]) throws -> [Run] {
        let kept = try runs.filter { run in
            if let name, run.name != name { return false }
            if let status, run.status != status { return false }
            if let kind, run.kind != kind { return false }
            if let since, run.started < since { return false }
            return try filter?.matches(run) ?? true
        }
        // Each run's key is read (and parsed as a number) once, not at every comparison: sorting ten thousand
        // runs by a metric is then a few milliseconds.
        let keys = kept.map { RunFilter.SortValue(RunFilter.value(of: sortKey, in: $0)) }
        let order = kept.indices.sorted { a, b in
            let order = RunFilter.compare(keys[a], keys[b])
            if order == 0 { return descending ? kept[a].id > kept[b].id : kept[a].id < kept[b].id }
            return descending ? order > 0 : order < 0
        }
        let sorted = order.map { kept[$0] }
        return limit.map { Array(sorted.prefix($0)) } ?? sorted
    }
}
