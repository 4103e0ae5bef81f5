import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsTestSupport
import Synchronization
import Testing

@testable import MLOpsCore

/// `RegistryStore` on a real repository database, without the CLI: numbering, the append-only history, alias
/// chains under concurrency, and the schema refusing rewrites.
@Suite struct RegistryStoreTests {
    let directory: TemporaryDirectory
    let repository: Repository
    var registry: RegistryStore { repository.registry }

    init() throws {
        (directory, repository) = try Fixtures.repository()
    }

    private static let signature = Signature(
        features: [Signature.Feature(name: "weight", kind: .numeric)], target: "mpg", task: .regression)

    /// Registers `count` versions of `name` (their objects are made-up ids: the store records, it does not read).
    private func register(_ count: Int, of name: String = "mpg") throws -> [Int] {
        try (0..<count).map { index in
            try registry.register(
                RegistryStore.Draft(
                    name: name, oid: "sha256:" + String(repeating: String(index % 10), count: 64), format: .mlops,
                    source: "model-\(index).json", signature: Self.signature, metrics: ["rmse": Double(index)])
            ).version
        }
    }

    @Test func versionNumbersAreNeverGivenTwiceAndEveryChangeIsAnEvent() throws {
        #expect(try register(3) == [1, 2, 3])
        #expect(try register(1, of: "other") == [1])
        _ = try registry.tag(.version(name: "mpg", version: 3), key: "doomed", value: "yes")
        try registry.deleteVersion(.version(name: "mpg", version: 3))
        #expect(throws: MLOpsError.self) { try registry.version(.version(name: "mpg", version: 3)) }
        #expect(try register(1) == [4], "the deleted number 3 is not given again")
        let tagged = try registry.tag(.alias(name: "mpg", alias: "latest"), key: "owner", value: "ci")
        #expect(tagged.version == 4 && tagged.tags == ["owner": "ci"])
        #expect(try registry.versions(of: "mpg").map(\.version) == [4, 2, 1])
        #expect(try registry.models().map(\.name) == ["mpg", "other"])

        let history = try registry.history(of: "mpg")
        #expect(history.map(\.event) == ["register", "register", "register", "tag", "delete", "register", "tag"])
        #expect(history.map(\.toVersion) == [1, 2, 3, 3, nil, 4, 4])
        #expect(history.last?.reason == "owner=ci")
        let version = try registry.version(.version(name: "mpg", version: 2))
        #expect(
            version.metrics == ["rmse": 1] && version.signature == Self.signature && version.source == "model-1.json")
    }

    @Test func aliasMovesFormAChainAndRollbackWalksItBack() throws {
        _ = try register(3)
        for version in [1, 2, 3] {
            #expect(
                try registry.moveAlias(.version(name: "mpg", version: version), name: "mpg", alias: "prod", reason: nil)
                    .changed)
        }
        let unchanged = try registry.moveAlias(
            .version(name: "mpg", version: 3), name: "mpg", alias: "prod", reason: nil)
        #expect(!unchanged.changed && unchanged.fromVersion == 3)
        #expect(try registry.rollback("mpg", alias: "prod", reason: "bad").toVersion == 2)
        #expect(try registry.rollback("mpg", alias: "prod", reason: nil).toVersion == 1)
        let exhausted = #expect(throws: MLOpsError.self) { try registry.rollback("mpg", alias: "prod", reason: nil) }
        #expect(exhausted?.code == .invalidState)
        #expect(try registry.versionNumber(.alias(name: "mpg", alias: "prod")) == 1)
        let held = #expect(throws: MLOpsError.self) { try registry.deleteVersion(.version(name: "mpg", version: 1)) }
        #expect(held?.code == .conflict)

        let moves = try registry.history(of: "mpg").filter { $0.alias == "prod" }
        #expect(moves.map(\.event) == ["promote", "promote", "promote", "rollback", "rollback"])
        #expect(moves.first?.fromVersion == nil)
        for (earlier, later) in zip(moves, moves.dropFirst()) { #expect(later.fromVersion == earlier.toVersion) }
    }

    /// Two repositories opened on the same database have separate connection pools, so they contend for SQLite's
    /// file locks exactly as two processes do (`RegistryTests` does the same with two `mlops` processes).
    @Test func concurrentPromotionsFromSeparateConnectionsFormAChain() throws {
        _ = try register(4)
        let writers = try (0..<2).map { _ in try Repository(root: directory.path) }
        let moves = 40
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: writers.count) { writer in
            for index in 0..<moves {
                let version = 1 + (index * 2 + writer) % 4
                do {
                    _ = try writers[writer].promote("mpg@\(version)", to: "prod", reason: "writer \(writer)")
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let chain = try registry.history(of: "mpg").filter { $0.event == "promote" }
        // Writer 0 promotes odd versions and writer 1 even ones, each alternating, so every promotion moves it.
        #expect(chain.count == writers.count * moves)
        #expect(Set(chain.compactMap { $0.reason }) == ["writer 0", "writer 1"], "both writers moved it")
        #expect(chain.first?.fromVersion == nil)
        for (earlier, later) in zip(chain, chain.dropFirst()) {
            #expect(later.fromVersion == earlier.toVersion, "event \(later.sequence) follows \(earlier.sequence)")
        }
        #expect(try registry.versionNumber(.alias(name: "mpg", alias: "prod")) == chain.last?.toVersion)
    }

    @Test func theSchemaRefusesRewritingHistoryOrVersionsWhateverTheStatement() throws {
        _ = try register(2)
        let original = try registry.version(.version(name: "mpg", version: 1))
        let history = try registry.history(of: "mpg")
        let statements = [
            "UPDATE registry_events SET actor = 'someone else'",
            "DELETE FROM registry_events",
            "INSERT OR REPLACE INTO registry_events (sequence, name, event, actor, at_ns) VALUES (1, 'mpg', 'x', 'y', 0)",
            "UPDATE model_versions SET oid = 'sha256:0000'",
            """
            INSERT OR REPLACE INTO model_versions (name, version, oid, source, signature, metrics, created_ns, actor)
            VALUES ('mpg', 1, 'sha256:0000', 'forged', '{}', '{}', 0, 'someone')
            """,
            """
            INSERT INTO model_versions (name, version, oid, source, signature, metrics, created_ns, actor)
            SELECT name, 7, oid, source, signature, metrics, created_ns, actor FROM model_versions WHERE version = 2;
            DELETE FROM model_versions WHERE version = 2;
            INSERT INTO model_versions (name, version, oid, source, signature, metrics, created_ns, actor)
            SELECT name, 2, oid, 'reused', signature, metrics, created_ns, actor FROM model_versions WHERE version = 7
            """,
        ]
        for statement in statements {
            let error = #expect(throws: MLOpsError.self, "\(statement)") {
                try repository.database.write { try $0.execute(sql: statement) }
            }
            #expect(error?.code == .invalidState, "\(statement)")
        }
        #expect(try registry.history(of: "mpg") == history)
        #expect(try registry.version(.version(name: "mpg", version: 1)) == original)
        #expect(try registry.versions(of: "mpg").map(\.version) == [2, 1])
    }
}
