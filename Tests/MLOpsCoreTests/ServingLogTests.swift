import Foundation
import MLOpsErrors
import MLOpsTestSupport
import Testing

@testable import MLOpsCore

/// `ServingLog` and `RunCache` on a real repository database, without a server or a pipeline.
@Suite struct ServingLogTests {
    let directory: TemporaryDirectory
    let repository: Repository

    init() throws {
        (directory, repository) = try Fixtures.repository()
    }

    private static func record(_ id: String, model: String, at seconds: Double) -> ServingLogRecord {
        ServingLogRecord(
            requestID: id, model: model, version: 1, route: model + "@production", protocolName: "v2",
            received: Date(timeIntervalSince1970: seconds), latencySeconds: 0.000_25, rowCount: 1,
            inputs: #"{"weight":[2130]}"#, outputs: "[31.5]")
    }

    @Test func theLogKeepsOrderAndLabelsJoinOnlyLoggedRequests() throws {
        let log = repository.servingLog
        try log.append(
            (0..<5).map { Self.record("r\($0)", model: $0 == 2 ? "other" : "mpg", at: 1_800_000_000 + Double($0)) })
        try log.append([])
        let mpg = try log.records(model: "mpg")
        #expect(mpg.map(\.requestID) == ["r0", "r1", "r3", "r4"])
        #expect(mpg[0] == Self.record("r0", model: "mpg", at: 1_800_000_000))
        #expect(try log.records(limit: 2).map(\.requestID) == ["r3", "r4"], "the newest, oldest first")

        let first = FeedbackLabel(requestID: "r1", label: "30", received: Date(timeIntervalSince1970: 1_800_000_100))
        let unknown = try log.recordFeedback([first, FeedbackLabel(requestID: "nobody", label: "1", received: Date())])
        #expect(unknown == ["nobody"])
        #expect(try log.feedback(for: "r1") == first)
        #expect(try log.feedback(for: "nobody") == nil)
        let later = FeedbackLabel(requestID: "r1", label: "29.5", received: Date(timeIntervalSince1970: 1_800_000_200))
        try log.recordFeedback([later])
        #expect(try log.feedback(for: "r1") == later, "the latest label wins")
    }

    @Test func theRunCacheRemembersOutputsByKeyAndKeepsTheirObjectsFromGC() async throws {
        try Fixtures.write("1,2\n", to: directory.url("out.csv"))
        let added = try repository.add(["out.csv"], relativeTo: directory.path)[0]
        try FileManager.default.removeItem(atPath: directory.url("out.csv.mlops"))
        let output = CachedOutput(pointer: PointerFile(oid: added.oid, size: added.size, kind: added.kind, files: nil))
        let key = String(repeating: "ab", count: 32)
        #expect(try repository.runCache.outputs(forKey: key) == nil)
        try repository.runCache.remember(key, stage: "prepare", outputs: ["out.csv": output])
        #expect(try repository.runCache.outputs(forKey: key)?["out.csv"]?.pointer.oid == added.oid)
        #expect(try repository.runCache.entries()[key]?.stage == "prepare")
        #expect(try await repository.runCache.keys() == [key])
        // Nothing in the workspace points at the object any more; the run cache keeps it.
        #expect(try repository.collectGarbage(dryRun: false).removedObjects == 0)
        #expect(repository.store.contains(added.oid))
    }
}
