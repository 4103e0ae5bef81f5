import Foundation
import MLOpsErrors
import MLOpsStore
import MLOpsTestSupport
import Testing

@testable import MLOpsCore

@Suite struct TrackingTests {
    let directory: TemporaryDirectory
    let repository: Repository
    var root: String { directory.path }

    init() throws {
        (directory, repository) = try Fixtures.repository()
        try Fixtures.write("a,b\n1,2\n", to: directory.url("data/train.csv"))
        for index in 0..<5 {
            try Fixtures.write("image \(index)\n", to: directory.url("images/class\(index % 2)/\(index).txt"))
        }
    }

    @Test func addWritesPointersIgnoresDataAndStoresObjects() throws {
        let added = try repository.add(["data/train.csv", "images"], relativeTo: root)
        #expect(added.map(\.path) == ["data/train.csv", "images"])
        #expect(added[1].files == 5)
        let pointer = try PointerFile.read(at: directory.url("data/train.csv.mlops"), displayPath: "p")
        #expect(pointer.oid.hex == (try Fixtures.sha256sum(directory.url("data/train.csv"))))
        #expect(try Fixtures.read(directory.url("data/.gitignore")) == "/train.csv\n")
        #expect(try Fixtures.read(directory.url(".gitignore")) == "/images/\n")
        #expect(try repository.checkIntegrity().clean)
        #expect(try repository.store.allObjects().count == 1 + 5 + 1)  // file, images, manifest

        // Re-adding unchanged data reads nothing once the stat cache trusts the files.
        let again = try repository.add(["images"], relativeTo: root)
        #expect(again[0].changed == false)
    }

    @Test func addAcceptsGlobs() throws {
        try Fixtures.write("x", to: directory.url("data/valid.csv"))
        let added = try repository.add(["data/*.csv"], relativeTo: root)
        #expect(added.map(\.path).sorted() == ["data/train.csv", "data/valid.csv"])
    }

    @Test func statusReportsEveryKindOfChange() throws {
        _ = try repository.add(["data/train.csv", "images"], relativeTo: root)
        #expect(try repository.status(relativeTo: root).clean)

        try Fixtures.write("changed\n", to: directory.url("images/class0/0.txt"))
        try FileManager.default.removeItem(atPath: directory.url("images/class1/1.txt"))
        try Fixtures.write("new\n", to: directory.url("images/class1/new.txt"))
        try FileManager.default.removeItem(atPath: directory.url("data/train.csv"))
        let status = try repository.status(relativeTo: root)
        #expect(!status.clean)
        #expect(status.missing == ["data/train.csv"])
        #expect(
            status.changes.map { "\($0.kind.rawValue) \($0.path)" } == [
                "modified images/class0/0.txt", "deleted images/class1/1.txt", "added images/class1/new.txt",
            ])
        #expect(try repository.status(["images/"], relativeTo: root).missing.isEmpty)
    }

    /// `status` merges the recorded and the current file lists in bytewise order: names that sort differently
    /// by other rules, and a deletion between additions, each come out as what they are.
    @Test func statusMergesRecordedAndCurrentFiles() throws {
        for name in ["B", "a-b", "a.txt", "a/b", "é"] { try Fixtures.write(name, to: directory.url("tree/\(name)")) }
        _ = try repository.add(["tree"], relativeTo: root)
        try Fixtures.write("changed", to: directory.url("tree/a.txt"))
        try FileManager.default.removeItem(atPath: directory.url("tree/a/b"))
        for name in ["a/c", "a0", "ä", "0"] { try Fixtures.write(name, to: directory.url("tree/\(name)")) }
        #expect(
            try repository.status(relativeTo: root).changes.map { "\($0.kind.rawValue) \($0.path)" } == [
                "added tree/0", "modified tree/a.txt", "deleted tree/a/b", "added tree/a/c", "added tree/a0",
                "added tree/ä",
            ])
    }

    /// A walk lists directories on several threads and merges them depth first; the files must come out in
    /// bytewise path order (what the manifest and the stat-cache merge rely on), "a.txt" before "a/…".
    @Test func scansNestedDirectoriesInBytewiseOrder() throws {
        let names = [
            "a.txt", "a/b", "a/b.c/d", "a-b/c", "ab", "a/b-/x", "é/1", "A", "a/b/c/d/e", "abcdefghij", "abcdefgh.k",
            "abcdefgh/z",
        ]
        for name in names where !name.hasPrefix("a/b/") && name != "a/b" {
            try Fixtures.write(name, to: directory.url("tree/\(name)"))
        }
        try Fixtures.write("deep", to: directory.url("tree/a/b0/c/d/e"))
        let files = try repository.scanDirectory("tree")
        let paths = files.map(\.pathInTarget)
        #expect(paths == paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(paths.count == 11 && paths.first == "A" && paths.contains("a/b0/c/d/e"))

        _ = try repository.add(["tree"], relativeTo: root)
        #expect(try repository.status(relativeTo: root).changes.isEmpty)
        try Fixtures.write("changed", to: directory.url("tree/a/b0/c/d/e"))
        #expect(try repository.status(relativeTo: root).changes.map(\.path) == ["tree/a/b0/c/d/e"])
    }

    @Test func statusSeesASameSizeRewriteRightAfterAdd() throws {
        // Racy cleanliness: the rewrite may land in the same timestamp tick as the hashing.
        _ = try repository.add(["data/train.csv"], relativeTo: root)
        try Fixtures.write("a,b\n9,9\n", to: directory.url("data/train.csv"))
        #expect(try repository.status(relativeTo: root).changes.map(\.path) == ["data/train.csv"])
    }

    @Test func checkoutRestoresAndRefusesToLoseUncachedChanges() throws {
        _ = try repository.add(["images"], relativeTo: root)
        try Fixtures.write("my precious edit\n", to: directory.url("images/class0/0.txt"))
        try FileManager.default.removeItem(atPath: directory.url("images/class1/1.txt"))

        let error = #expect(throws: MLOpsError.self) { try repository.checkout(relativeTo: root) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("images/class0/0.txt") == true)
        #expect(try Fixtures.read(directory.url("images/class0/0.txt")) == "my precious edit\n")
        #expect(!FileManager.default.fileExists(atPath: directory.url("images/class1/1.txt")))

        let result = try repository.checkout(relativeTo: root, force: true)
        #expect(result.restored == ["images/class0/0.txt", "images/class1/1.txt"])
        #expect(try Fixtures.read(directory.url("images/class0/0.txt")) == "image 0\n")
        #expect(try repository.status(relativeTo: root).clean)
    }

    @Test func checkoutSwitchesBetweenRecordedVersionsWithoutForce() throws {
        _ = try repository.add(["data/train.csv"], relativeTo: root)
        let first = try Fixtures.read(directory.url("data/train.csv.mlops"))
        try Fixtures.write("a,b\n3,4\n5,6\n", to: directory.url("data/train.csv"))
        _ = try repository.commit(relativeTo: root)
        // Going back to the first pointer (as `git checkout` would) is safe: the current data is cached.
        try Fixtures.write(first, to: directory.url("data/train.csv.mlops"))
        _ = try repository.checkout(relativeTo: root)
        #expect(try Fixtures.read(directory.url("data/train.csv")) == "a,b\n1,2\n")
    }

    @Test func checkoutNeverMaterializesACorruptObject() throws {
        _ = try repository.add(["data/train.csv"], relativeTo: root)
        let pointer = try PointerFile.read(at: directory.url("data/train.csv.mlops"), displayPath: "p")
        let object = repository.store.path(of: pointer.oid)
        chmod(object, 0o644)
        try Fixtures.write("a,b\n1,3\n", to: object)
        try FileManager.default.removeItem(atPath: directory.url("data/train.csv"))

        let error = #expect(throws: MLOpsError.self) { try repository.checkout(relativeTo: root) }
        #expect(error?.code == .integrity)
        #expect(!FileManager.default.fileExists(atPath: directory.url("data/train.csv")))
        let report = try repository.checkIntegrity()
        #expect(report.corrupt == [pointer.oid])
        #expect(!report.clean)
    }

    @Test(arguments: ["/etc/passwd", ".mlops/config.yaml", "missing.csv", "data/train.csv.mlops", "", "../x"])
    func badPathsChangeNothing(path: String) throws {
        let before = try FileManager.default.subpathsOfDirectory(atPath: root).sorted()
        let error = #expect(throws: MLOpsError.self) {
            try repository.add(["data/train.csv", path], relativeTo: root)
        }
        #expect([.invalidInput, .notFound].contains(error?.code))
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root).sorted() == before)
    }

    @Test func symlinksPointingOutsideAreRefused() throws {
        try FileManager.default.createSymbolicLink(
            atPath: directory.url("data/link.csv"), withDestinationPath: "/etc/hostname")
        let error = #expect(throws: MLOpsError.self) { try repository.add(["data/link.csv"], relativeTo: root) }
        #expect(error?.message.contains("outside the repository") == true)
        try FileManager.default.createSymbolicLink(
            atPath: directory.url("images/evil"), withDestinationPath: "/etc/hostname")
        #expect(throws: MLOpsError.self) { try repository.add(["images"], relativeTo: root) }
        #expect(!FileManager.default.fileExists(atPath: directory.url("images.mlops")))
    }

    @Test func nestedTargetsAreRefused() throws {
        _ = try repository.add(["images"], relativeTo: root)
        let inside = #expect(throws: MLOpsError.self) { try repository.add(["images/class0/0.txt"], relativeTo: root) }
        #expect(inside?.message.contains("inside the tracked directory 'images'") == true)
        try FileManager.default.createDirectory(atPath: directory.url("outer"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: directory.url("data"), toPath: directory.url("outer/data"))
        _ = try repository.add(["outer/data/train.csv"], relativeTo: root)
        let outer = #expect(throws: MLOpsError.self) { try repository.add(["outer"], relativeTo: root) }
        #expect(outer?.message.contains("contains tracked data") == true)
    }

    @Test func badPointerFilesAreReportedByName() throws {
        _ = try repository.add(["data/train.csv"], relativeTo: root)
        try Fixtures.write("oid: nope\nsize: 1\nkind: file\n", to: directory.url("data/train.csv.mlops"))
        let error = #expect(throws: MLOpsError.self) { try repository.status(relativeTo: root) }
        #expect(error?.message.contains("data/train.csv.mlops") == true)
        #expect(try repository.checkIntegrity().invalidPointers.map(\.path) == ["data/train.csv.mlops"])
    }

    @Test func garbageCollectionKeepsReferencedObjects() throws {
        _ = try repository.add(["data/train.csv", "images"], relativeTo: root)
        try Fixtures.write("a,b\n7,7\n", to: directory.url("data/train.csv"))
        _ = try repository.commit(relativeTo: root)  // the old version becomes garbage
        let dry = try repository.collectGarbage(dryRun: true)
        #expect(dry.removedObjects == 1)
        #expect(try repository.store.allObjects().count == 8)
        let result = try repository.collectGarbage(dryRun: false)
        #expect(result.removedObjects == 1 && result.keptObjects == 7)
        #expect(try repository.checkIntegrity().clean)
        try FileManager.default.removeItem(atPath: directory.url("images"))
        _ = try repository.checkout(relativeTo: root)
        #expect(try repository.status(relativeTo: root).clean)
    }

    @Test func integrityCheckFindsMissingObjects() throws {
        _ = try repository.add(["images"], relativeTo: root)
        let victim = try repository.store.allObjects().first { id in
            (try? repository.store.read(id)).map { String(decoding: $0, as: UTF8.self) } == "image 3\n"
        }
        try repository.store.remove(try #require(victim))
        let report = try repository.checkIntegrity()
        #expect(report.missing.map(\.referencedBy) == ["images/class1/3.txt"])
        #expect(try repository.status(relativeTo: root).notInCache == ["images"])
    }

    /// `status` remembers a directory whose objects were all cached and stops looking for them one by one, until
    /// gc removes anything (or fsck finds objects missing); while a gc is running or after one was killed, it
    /// trusts nothing it remembered.
    @Test func statusTrustsACompleteDirectoryOnlyUntilObjectsAreRemoved() throws {
        _ = try repository.add(["images"], relativeTo: root)
        let store = repository.store
        let objectOf = { (text: String) in
            try #require(
                try store.allObjects().first {
                    (try? store.read($0)).map { String(decoding: $0, as: UTF8.self) } == text
                })
        }
        #expect(try repository.status(relativeTo: root).notInCache.isEmpty)

        // Deleted behind mlops's back: status keeps trusting what it found; fsck finds it and status then sees it.
        try store.remove(try objectOf("image 3\n"))
        #expect(try repository.status(relativeTo: root).notInCache.isEmpty)
        #expect(try repository.checkIntegrity().missing.count == 1)
        #expect(try repository.status(relativeTo: root).notInCache == ["images"])

        // Restored, remembered again; then any gc (here removing an unrelated object) makes status look again.
        try FileManager.default.removeItem(atPath: directory.url("images/class1/3.txt"))
        try Fixtures.write("image 3\n", to: directory.url("images/class1/3.txt"))
        _ = try repository.add(["images"], relativeTo: root)
        #expect(try repository.status(relativeTo: root).notInCache.isEmpty)
        try store.store(Array("garbage".utf8))
        try store.remove(try objectOf("image 1\n"))
        #expect(try repository.collectGarbage(dryRun: false).removedObjects == 1)
        #expect(try repository.status(relativeTo: root).notInCache == ["images"])

        // A gc killed while removing leaves the generation odd: nothing remembered is trusted until one completes.
        try FileManager.default.removeItem(atPath: directory.url("images/class1/1.txt"))
        try Fixtures.write("image 1\n", to: directory.url("images/class1/1.txt"))
        _ = try repository.add(["images"], relativeTo: root)
        struct Killed: Error {}
        #expect(throws: Killed.self) {
            try CachedManifests(database: repository.database).removingObjects { throw Killed() }
        }
        #expect(try repository.status(relativeTo: root).notInCache.isEmpty)
        try store.remove(try objectOf("image 3\n"))
        #expect(try repository.status(relativeTo: root).notInCache == ["images"])
    }

    /// Once every file of a directory is vouched for by the stat cache, `status` remembers the directory's manifest
    /// against a fingerprint of all its snapshots and stops reading the per-file entries; any change to a name, a
    /// snapshot or the file set must still be seen.
    @Test func statusRemembersACleanDirectoryAndStillSeesEveryChange() throws {
        let old = Date(timeIntervalSinceNow: -60)
        let setModified = { (path: String, date: Date) in
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: directory.url(path))
        }
        for index in 0..<5 { try setModified("images/class\(index % 2)/\(index).txt", old) }
        let pointer = try #require(try repository.add(["images"], relativeTo: root).first)
        let directories = DirectoryStatCache(database: repository.database)
        let remembered = {
            try directories.manifestID(
                of: "images", fingerprint: DirectoryStatCache.fingerprint(of: repository.scanDirectory("images")))
        }
        #expect(try repository.status(relativeTo: root).clean)
        #expect(try remembered() == pointer.oid)
        #expect(try repository.status(relativeTo: root).clean)

        // Same size, mtime put back: only the ctime tells.
        try Fixtures.write("IMAGE 0\n", to: directory.url("images/class0/0.txt"))
        try setModified("images/class0/0.txt", old)
        #expect(try remembered() == nil)
        #expect(try repository.status(relativeTo: root).changes.map(\.path) == ["images/class0/0.txt"])
        try Fixtures.write("image 0\n", to: directory.url("images/class0/0.txt"))
        try setModified("images/class0/0.txt", old)
        #expect(try repository.status(relativeTo: root).clean)
        // That status read the file again; the next one finds everything vouched for and remembers the directory.
        #expect(try remembered() == nil)
        #expect(try repository.status(relativeTo: root).clean)
        #expect(try remembered() == pointer.oid)

        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: directory.url("images/class1/1.txt"))
        #expect(try repository.status(relativeTo: root).changes.map(\.kind) == [.modified])
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o644], ofItemAtPath: directory.url("images/class1/1.txt"))
        try Fixtures.write("new\n", to: directory.url("images/class1/new.txt"))
        #expect(try repository.status(relativeTo: root).changes.map(\.kind) == [.added])
        try FileManager.default.removeItem(atPath: directory.url("images/class1/new.txt"))
        try FileManager.default.moveItem(
            atPath: directory.url("images/class1/3.txt"), toPath: directory.url("images/class1/4.txt"))
        #expect(try repository.status(relativeTo: root).changes.map(\.kind) == [.deleted, .added])
        try FileManager.default.moveItem(
            atPath: directory.url("images/class1/4.txt"), toPath: directory.url("images/class1/3.txt"))
        #expect(try repository.status(relativeTo: root).clean)

        // Checkout needs the recorded files even when the directory was remembered clean.
        #expect(try repository.checkout(relativeTo: root).unchanged == 5)
        _ = try repository.untrack(["images"], relativeTo: root)
        #expect(
            try directories.manifestID(
                of: "images", fingerprint: DirectoryStatCache.fingerprint(of: repository.scanDirectory("images")))
                == nil)
    }

    @Test func removeAndMoveKeepTheData() throws {
        _ = try repository.add(["data/train.csv", "images"], relativeTo: root)
        #expect(try repository.untrack(["images"], relativeTo: root) == ["images"])
        #expect(!FileManager.default.fileExists(atPath: directory.url("images.mlops")))
        #expect(FileManager.default.fileExists(atPath: directory.url("images/class0/0.txt")))
        #expect(!FileManager.default.fileExists(atPath: directory.url(".gitignore")))

        let moved = try repository.move("data/train.csv", to: "archive/old.csv", relativeTo: root)
        #expect(moved == "archive/old.csv")
        #expect(try Fixtures.read(directory.url("archive/old.csv")) == "a,b\n1,2\n")
        #expect(try Fixtures.read(directory.url("archive/.gitignore")) == "/old.csv\n")
        #expect(!FileManager.default.fileExists(atPath: directory.url("data/train.csv.mlops")))
        #expect(try repository.list(relativeTo: root).map(\.path) == ["archive/old.csv"])
        #expect(try repository.status(relativeTo: root).clean)
    }

    @Test(arguments: [LinkMode.hardlink, .symlink])
    func linkModesMakeReadOnlyWorkspaceFiles(mode: LinkMode) throws {
        var config = RepositoryConfig()
        config.core.link = mode
        try Fixtures.write(config.rendered(), to: directory.url(".mlops/config.yaml"))
        let repository = try Repository(root: root)
        _ = try repository.add(["images"], relativeTo: root)
        let file = directory.url("images/class0/0.txt")
        // Root ignores permission bits, so check the bits rather than access(2).
        let writable = {
            (try? FileManager.default.attributesOfItem(
                atPath: URL(fileURLWithPath: file).resolvingSymlinksInPath().path)[.posixPermissions] as? Int).map {
                    $0 & 0o222 != 0
                }
        }
        #expect(writable() == false)
        #expect(try Fixtures.read(file) == "image 0\n")
        #expect(try repository.status(relativeTo: root).clean)
        #expect(try repository.add(["images"], relativeTo: root)[0].changed == false)
        _ = try repository.untrack(["images"], relativeTo: root)
        #expect(writable() == true)
        #expect(try Fixtures.read(file) == "image 0\n")
    }
}
