import Foundation
import GRDB
import MLOpsErrors
import MLOpsStore
import MLOpsTestSupport
import Testing

@testable import MLOpsCore

@Suite struct RepositoryTests {
    @Test func initCreatesTheLayoutAndIsIdempotent() throws {
        let directory = try TemporaryDirectory()
        let first = try Repository.initialize(at: directory.path)
        #expect(first.created)
        for path in [
            ".mlops/config.yaml", ".mlops/.gitignore", ".mlops/mlops.db", ".mlops/objects/sha256", ".mlops/tmp",
        ] {
            #expect(FileManager.default.fileExists(atPath: directory.url(path)), "\(path)")
        }
        let config = try Fixtures.read(directory.url(".mlops/config.yaml"))
        #expect(config.contains("format: 1"))
        try Fixtures.write("data", to: directory.url("data.csv"))
        let repository = try Repository(root: directory.path)
        _ = try repository.add(["data.csv"], relativeTo: directory.path)

        let second = try Repository.initialize(at: directory.path)
        #expect(!second.created)
        #expect(try Fixtures.read(directory.url(".mlops/config.yaml")) == config)
        #expect(try Repository(root: directory.path).status(relativeTo: directory.path).clean)
    }

    @Test func discoversTheRootFromSubdirectoriesAndFailsOutside() throws {
        let (directory, _) = try Fixtures.repository()
        try FileManager.default.createDirectory(atPath: directory.url("a/b/c"), withIntermediateDirectories: true)
        #expect(try Repository.discover(from: directory.url("a/b/c")).root == directory.path)
        let outside = try TemporaryDirectory()
        let error = #expect(throws: MLOpsError.self) { try Repository.discover(from: outside.path) }
        #expect(error?.code == .notARepository)
        #expect(error?.hint?.contains("mlops init") == true)
    }

    @Test func rejectsNewerFormatsAndMalformedConfig() throws {
        let (directory, _) = try Fixtures.repository()
        try Fixtures.write("format: 99\ncore:\n  link: copy\n", to: directory.url(".mlops/config.yaml"))
        #expect((#expect(throws: MLOpsError.self) { try Repository(root: directory.path) })?.code == .invalidState)
        try Fixtures.write("format: 1\ncore:\n  link: teleport\n", to: directory.url(".mlops/config.yaml"))
        #expect((#expect(throws: MLOpsError.self) { try Repository(root: directory.path) })?.code == .invalidInput)
    }

    @Test func migratesAnOlderDatabaseAndRefusesANewerOne() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url("mlops.db")
        // A database from before any migration, holding a table of its own that must survive.
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: "CREATE TABLE keep (x INTEGER); INSERT INTO keep VALUES (42)") }
        }
        let database = try MetadataDatabase(path: path)
        #expect(try database.appliedMigrations() == MetadataDatabase.migrations.migrations)
        #expect(try database.read { try Int.fetchOne($0, sql: "SELECT x FROM keep") } == 42)
        try database.write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999-from-the-future')")
        }
        let error = #expect(throws: MLOpsError.self) { try MetadataDatabase(path: path) }
        #expect(error?.code == .invalidState)
    }

    @Test func lockIsExclusiveAndNamesItsHolder() throws {
        let (directory, repository) = try Fixtures.repository()
        defer { withExtendedLifetime(directory) {} }
        let held = try repository.lock(for: "add")
        let error = #expect(throws: MLOpsError.self) {
            try RepositoryLock(metadataDirectory: repository.metadataDirectory, purpose: "gc", timeout: 0.2)
        }
        #expect(error?.code == .locked)
        #expect(error?.message.contains("pid \(getpid()) (mlops add)") == true)
        withExtendedLifetime(held) {}
    }
}

@Suite struct PointerFileTests {
    let oid = "sha256:" + String(repeating: "c", count: 64)

    @Test func roundTrips() throws {
        let pointer = PointerFile(
            oid: try ObjectID(parsing: oid), size: 12, kind: .dir, files: 3, desc: "a: tricky # text")
        #expect(try PointerFile.parse(pointer.rendered(), path: "x.mlops") == pointer)
    }

    @Test(arguments: [
        ("oid: [unclosed", "not valid YAML"),
        ("oid: sha256:abc\nsize: 1\nkind: file\n", "invalid object id"),
        ("oid: OID\nsize: 1\nkind: file\ncolour: red\n", "unknown field 'colour'"),
        ("oid: OID\nkind: file\n", "missing field 'size'"),
        ("oid: OID\nsize: 1\nkind: folder\n", "malformed"),
        ("- a\n- b\n", "not a YAML mapping"),
    ])
    func rejectsBadPointersNamingTheFile(text: String, expected: String) {
        let error = #expect(throws: MLOpsError.self) {
            try PointerFile.parse(text.replacingOccurrences(of: "OID", with: oid), path: "data/x.csv.mlops")
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("data/x.csv.mlops") == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }
}
