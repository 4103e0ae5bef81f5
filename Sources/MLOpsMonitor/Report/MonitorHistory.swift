import Foundation

/// One past monitoring check, for the report's charts.
public struct MonitorHistoryPoint: Codable, Sendable, Equatable {
    /// When the check ran.
    public var time: Date
    /// The check's share of drifted features; nil when it compared no features.
    public var driftShare: Double?
    /// Live quality metrics of that check (rmse, accuracy…), by name.
    public var metrics: [String: Double]

    /// A check that ran at `time`, with its drift share (nil when it compared no features) and quality metrics.
    public init(time: Date, driftShare: Double?, metrics: [String: Double]) {
        self.time = time
        self.driftShare = driftShare
        self.metrics = metrics
    }
}
