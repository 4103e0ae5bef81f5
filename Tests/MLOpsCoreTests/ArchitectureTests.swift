import Foundation
import MLOpsTestSupport
import Testing

/// Rules of docs/architecture.md that the compiler cannot check.
@Suite struct ArchitectureTests {
    /// The files that may hold SQL or use GRDB: the database (migrations) and one store per kind of record.
    static let stores: Set<String> = [
        "MLOpsCore/Metadata/MetadataDatabase.swift",
        "MLOpsCore/Runs/RunStore.swift",
        "MLOpsCore/Runs/RunStore+Sharing.swift",
        "MLOpsCore/Registry/RegistryStore.swift",
        "MLOpsCore/Registry/RegistryStore+Sharing.swift",
        "MLOpsCore/Sharing/SyncedLog.swift",
        "MLOpsCore/Serving/ServingLog.swift",
        "MLOpsCore/Pipelines/RunCache.swift",
        "MLOpsCore/Data/StatCache.swift",
        "MLOpsCore/Data/DirectoryStatCache.swift",
        "MLOpsCore/Data/CachedManifests.swift",
    ]

    @Test func sqlLivesOnlyInTheStores() throws {
        let sources = Fixtures.projectRoot + "/Sources/"
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 100, "the walk found the sources")
        let markers = ["import GRDB", "sql:", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "fetchAll(", "fetchOne("]
        var holders: Set<String> = []
        for file in files {
            let text = try String(contentsOfFile: sources + file, encoding: .utf8)
            if markers.contains(where: text.contains) { holders.insert(file) }
        }
        #expect(holders.subtracting(Self.stores).sorted() == [], "SQL outside a store")
        #expect(Self.stores.subtracting(holders).sorted() == [], "a store without SQL is no longer one")
    }
}
