import Foundation
import MLOpsCore

/// What the serving log says about a window: per model version, how many requests and rows were answered, how
/// fast (percentiles), how many broke the data contract, and the same per time bucket for the charts. Encoded as
/// it is for `GET /api/serving`.
struct ServingSummary: Sendable, Encodable {
    /// One model version's traffic over the whole window.
    struct VersionTotals: Sendable, Encodable {
        var model: String
        var version: Int
        var requests: Int
        var rows: Int
        var flagged: Int
        var latency: Percentiles
        /// One entry per bucket of the window, zero requests where it answered none.
        var buckets: [Bucket]

        var reference: String { "\(model)@\(version)" }

        private enum CodingKeys: String, CodingKey { case model, version, requests, rows, flagged, latency, buckets }
    }

    /// Latency percentiles in seconds.
    struct Percentiles: Sendable, Encodable {
        var p50: Double
        var p95: Double
        var p99: Double
    }

    struct Bucket: Sendable, Encodable {
        /// The bucket's start.
        var start: Date
        var requests: Int
        /// Nil for a bucket without requests.
        var latency: Percentiles?
    }

    var since: Date
    var until: Date
    var bucketSeconds: Double
    var versions: [VersionTotals]

    /// Summarizes `timings` (oldest first) of `since..<until` in `bucketCount` equal buckets.
    init(_ timings: [RequestTiming], since: Date, until: Date, bucketCount: Int = 48) {
        self.since = since
        self.until = until
        let bucketSeconds = max(1, until.timeIntervalSince(since) / Double(bucketCount))
        self.bucketSeconds = bucketSeconds
        var byVersion: [String: [RequestTiming]] = [:]
        for timing in timings { byVersion["\(timing.model)@\(timing.version)", default: []].append(timing) }
        versions = byVersion.values.compactMap { group -> VersionTotals? in
            guard let first = group.first else { return nil }
            var perBucket = [[Double]](repeating: [], count: bucketCount)
            for timing in group {
                let index = Int(timing.received.timeIntervalSince(since) / bucketSeconds)
                perBucket[min(max(index, 0), bucketCount - 1)].append(timing.latencySeconds)
            }
            return VersionTotals(
                model: first.model, version: first.version, requests: group.count,
                rows: group.reduce(0) { $0 + $1.rowCount }, flagged: group.filter(\.flagged).count,
                latency: Self.percentiles(group.map(\.latencySeconds)) ?? Percentiles(p50: 0, p95: 0, p99: 0),
                buckets: perBucket.enumerated().map { index, latencies in
                    Bucket(
                        start: since.addingTimeInterval(Double(index) * bucketSeconds), requests: latencies.count,
                        latency: Self.percentiles(latencies))
                })
        }.sorted { ($0.model, $0.version) < ($1.model, $1.version) }
    }

    /// Nearest-rank percentiles; nil for no values.
    static func percentiles(_ values: [Double]) -> Percentiles? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func rank(_ quantile: Double) -> Double {
            sorted[min(sorted.count - 1, max(0, Int((quantile * Double(sorted.count)).rounded(.up)) - 1))]
        }
        return Percentiles(p50: rank(0.5), p95: rank(0.95), p99: rank(0.99))
    }
}
