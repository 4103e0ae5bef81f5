import Foundation
import Testing

@testable import MLOpsCore
@testable import MLOpsUI

/// The serving page's numbers from the serving log's timings: per version totals, nearest-rank percentiles, and
/// the buckets the charts draw.
@Suite struct ServingSummaryTests {
    @Test func totalsPercentilesAndBucketsPerVersion() {
        let since = Date(timeIntervalSince1970: 1_000_000)
        let until = since.addingTimeInterval(4_800)
        // mpg@1: 100 requests, one a minute from the start, 1…100 ms, every tenth flagged; mpg@2: one request.
        var timings: [RequestTiming] = []
        for index in 1...100 {
            let received = since.addingTimeInterval(Double(index - 1) * 48)
            timings.append(
                RequestTiming(
                    model: "mpg", version: 1, received: received, latencySeconds: Double(index) / 1000, rowCount: 2,
                    flagged: index % 10 == 0))
        }
        timings.append(
            RequestTiming(
                model: "mpg", version: 2, received: until.addingTimeInterval(-1), latencySeconds: 0.5, rowCount: 1,
                flagged: false))
        let summary = ServingSummary(timings, since: since, until: until)
        #expect(summary.versions.map(\.reference) == ["mpg@1", "mpg@2"])
        let first = summary.versions[0]
        #expect(first.requests == 100 && first.rows == 200 && first.flagged == 10)
        #expect(first.latency.p50 == 0.05 && first.latency.p95 == 0.095 && first.latency.p99 == 0.099)
        #expect(summary.bucketSeconds == 100 && first.buckets.count == 48)
        #expect(first.buckets.map(\.requests).reduce(0, +) == 100)
        // 48 s apart in 100 s buckets: the first holds the requests at 0, 48 and 96 s (1, 2 and 3 ms).
        #expect(first.buckets[0].requests == 3 && first.buckets[0].latency?.p50 == 0.002)
        #expect(first.buckets[47].requests == 2)
        let second = summary.versions[1].buckets
        #expect(second[47].requests == 1 && second[0].requests == 0 && second[0].latency == nil)
        #expect(ServingSummary.percentiles([]) == nil)
    }
}
