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
    /// Keep runs started at or after this time.
    public var since: Date?
    /// Sort by this field (`started`, `name`, `metrics.rmse`, `params.max_leaves`…), ascending unless `descending`.
    public var sortKey: String = "started"
    public var descending = true
    /// At most this many runs.
    public var limit: Int?

    public init() {}
}
