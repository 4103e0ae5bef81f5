import Foundation
import MLOpsErrors
import MLOpsTestSupport
import CSyncFS
import Testing

@testable import MLOpsStore

@Suite struct ObjectStoreTests {
    let directory: TemporaryDirectory
    let store: ObjectStore

    init() throws {
        directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.url("objects"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.url("tmp"), withIntermediateDirectories: true)
        store = ObjectStore(objectsDirectory: directory.url("objects"), temporaryDirectory: directory.url("tmp"))
    }

    /// Writes `size` pseudo-random bytes to `name` and returns the path.
    func makeFile(_ name: String, size: Int, seed: UInt64 = 1) throws -> String {
        var generator = seed
        var bytes = [UInt8](repeating: 0, count: size)
        for index in bytes.indices {
            generator = generator &* 6364136223846793005 &+ 1442695040888963407
            bytes[index] = UInt8(truncatingIfNeeded: generator >> 33)
        }
        let path = directory.url(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [0, 1, 4096, HashingCopy.chunkSize, 3 * HashingCopy.chunkSize + 17])
    func ingestAgreesWithCoreutilsAndStoresReadOnly(size: Int) throws {
        let path = try makeFile("input-\(size)", size: size)
        let outcome = try store.ingestFile(at: path)
        #expect(outcome.id.hex == (try Fixtures.sha256sum(path)))
        #expect(outcome.size == Int64(size))
        let stored = store.path(of: outcome.id)
        #expect(try Fixtures.sha256sum(stored) == outcome.id.hex)
        let permissions = try FileManager.default.attributesOfItem(atPath: stored)[.posixPermissions] as? Int
        #expect(permissions == 0o444)
        #expect(try DirectoryListing.names(in: store.temporaryDirectory).isEmpty)
    }

    @Test func materializeRefusesCorruptObjectsAndLeavesDestinationAlone() throws {
        let path = try makeFile("data", size: 2 * HashingCopy.chunkSize + 5)
        let id = try store.ingestFile(at: path).id
        let destination = directory.url("restored")
        try Fixtures.write("previous content", to: destination)

        // Flip one byte of the cached object.
        let objectPath = store.path(of: id)
        chmod(objectPath, 0o644)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: objectPath)))
        bytes[12345] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: objectPath))

        #expect(throws: MLOpsError.self) { try store.verify(id) }
        for mode in LinkMode.allCases {
            let error = #expect(throws: MLOpsError.self) { try store.materialize(id, at: destination, mode: mode) }
            #expect(error?.code == .integrity)
            #expect(try Fixtures.read(destination) == "previous content")
        }
        // Re-ingesting the original bytes repairs the object.
        _ = try store.ingestFile(at: path)
        try store.materialize(id, at: destination, mode: .copy)
        #expect(try Fixtures.sha256sum(destination) == id.hex)
    }

    /// Large copies go to the disk with direct I/O (turned off for an unaligned tail) from the hashing buffers, a
    /// mapping of the source or buffers read from it with direct I/O, or through the kernel's copy where direct
    /// I/O is not available: all produce the same bytes and id.
    @Test(arguments: [3 * HashingCopy.chunkSize, 3 * HashingCopy.chunkSize + 5, HashingCopy.chunkSize + 4095])
    func largeCopiesAreExactWithAndWithoutDirectWrites(size: Int) throws {
        let path = try makeFile("source", size: size, seed: UInt64(size))
        for direct in [true, false] {
            let copyPath = directory.url("copy-\(direct)")
            let outcome = try HashingCopy.hashWhileCopying(
                try OpenFile.reading(path), to: try OpenFile.creating(copyPath, mode: 0o644), size: Int64(size),
                directWrites: direct, progress: nil)
            #expect(outcome.size == Int64(size))
            #expect(outcome.id.hex == (try Fixtures.sha256sum(path)))
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: copyPath))
                    == (try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        // An object (a source that cannot change) is mapped while it is in the page cache, and read with direct
        // I/O once evicted from it.
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for evicted in [false, true] {
            if evicted {
                let file = try OpenFile.reading(path)
                try file.synchronize()
                #expect(posix_fadvise(file.descriptor, 0, 0, POSIX_FADV_DONTNEED) == 0)
            }
            let copyPath = directory.url("copy-object-\(evicted)")
            let copied = try HashingCopy.copyUnchanging(
                from: try OpenFile.reading(path), to: try OpenFile.creating(copyPath, mode: 0o644), size: Int64(size))
            #expect(copied.id.hex == (try Fixtures.sha256sum(path)) && copied.size == Int64(size))
            #expect(try Data(contentsOf: URL(fileURLWithPath: copyPath)) == original)
        }
        // Direct reads fill whole chunks and stop at an unaligned end of the file.
        let source = try OpenFile.reading(path)
        var direct = mlops_set_direct_io(source.descriptor, 1) == 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: HashingCopy.chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        var read = Data()
        while true {
            let count = try HashingCopy.readDirect(
                into: buffer, descriptor: source.descriptor, path: path, direct: &direct)
            if count == 0 { break }
            read.append(contentsOf: buffer[..<count])
        }
        #expect(read == original)
        // Hashing alone goes through the same reading thread.
        let hashed = try HashingCopy.hash(try OpenFile.reading(path))
        #expect(hashed.id.hex == (try Fixtures.sha256sum(path)) && hashed.size == Int64(size))
    }

    /// A destination that refuses writes fails the copy with the write's error; the reading and hashing threads
    /// stop instead of waiting for buffers the writer will never free.
    @Test func aFailingWriteEndsALargeCopyWithItsError() throws {
        let path = try makeFile("source", size: 8 * HashingCopy.chunkSize + 1)
        let readOnly = directory.url("read-only")
        #expect(FileManager.default.createFile(atPath: readOnly, contents: nil))
        let error = #expect(throws: MLOpsError.self) {
            try HashingCopy.copy(
                from: try OpenFile.reading(path), to: try OpenFile.reading(readOnly),
                expectedSize: 8 * Int64(HashingCopy.chunkSize) + 1)
        }
        #expect(error?.message.contains("read-only") == true)
    }

    /// A file just over the adoption threshold: one pseudo-random MiB repeated, with a distinct last chunk.
    func makeLargeFile(_ name: String) throws -> String {
        let path = try makeFile(name, size: HashingCopy.chunkSize)
        let chunk = try Data(contentsOf: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        for _ in 0..<(Int(ObjectStore.adoptionThreshold) / HashingCopy.chunkSize) {
            try handle.write(contentsOf: chunk)
        }
        try handle.write(contentsOf: Data("tail".utf8))
        try handle.close()
        return path
    }

    @Test func adoptsLargeFilesAndLeavesAnIndependentCopyInPlace() throws {
        let path = try makeLargeFile("large")
        let expected = try Fixtures.sha256sum(path)
        chmod(path, 0o750)
        let modified = timespec(tv_sec: 1_700_000_000, tv_nsec: 123_456_789)
        #expect(utimensat(AT_FDCWD, path, [modified, modified], 0) == 0)
        var before = stat()
        lstat(path, &before)

        let outcome = try #require(try store.adoptFile(at: path))
        #expect(outcome.id.hex == expected)
        #expect(outcome.size == Int64(before.st_size))
        var workspace = stat()
        var object = stat()
        lstat(path, &workspace)
        lstat(store.path(of: outcome.id), &object)
        // The store holds the original inode; the workspace a copy with the same bytes, mode and mtime.
        #expect(object.st_ino == before.st_ino && object.st_nlink == 1 && object.st_mode & 0o7777 == 0o444)
        #expect(workspace.st_ino != before.st_ino && workspace.st_mode & 0o7777 == 0o750)
        #expect(workspace.st_mtim.tv_sec == modified.tv_sec && workspace.st_mtim.tv_nsec == modified.tv_nsec)
        #expect(try Fixtures.sha256sum(path) == expected)
        #expect(try DirectoryListing.names(in: store.temporaryDirectory).isEmpty)
        #expect(try DirectoryListing.names(in: directory.path).filter { $0.hasSuffix(".tmp") }.isEmpty)

        // Editing the workspace copy leaves the object intact.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("edit".utf8))
        try handle.close()
        #expect(try store.verify(outcome.id) == outcome.size)
    }

    @Test func doesNotAdoptSmallOrMultiplyLinkedFiles() throws {
        let small = try makeFile("small", size: 4096)
        #expect(try store.adoptFile(at: small) == nil)

        let large = try makeLargeFile("large")
        let alias = directory.url("alias")
        #expect(link(large, alias) == 0)
        var before = stat()
        lstat(large, &before)
        #expect(try store.adoptFile(at: large) == nil)
        var after = stat()
        lstat(large, &after)
        #expect(after.st_ino == before.st_ino && after.st_nlink == 2)
        #expect(try store.allObjects().isEmpty)
        #expect(try DirectoryListing.names(in: store.temporaryDirectory).isEmpty)
    }

    @Test func listsAndRemovesObjects() throws {
        let first = try store.store(Array("one".utf8))
        let second = try store.store(Array("two".utf8))
        #expect(Set(try store.allObjects()) == [first, second])
        try store.remove(first)
        #expect(try store.allObjects() == [second])
        #expect(try store.read(second) == Array("two".utf8))
        let error = #expect(throws: MLOpsError.self) { try store.read(first) }
        #expect(error?.code == .notFound)
    }
}

@Suite struct DirectoryManifestTests {
    @Test func encodingIsCanonicalAndRoundTrips() throws {
        let a = try ObjectID(parsing: "sha256:" + String(repeating: "1", count: 64))
        let b = try ObjectID(parsing: "sha256:" + String(repeating: "2", count: 64))
        let one = DirectoryManifest(entries: [
            .init(path: "z/quote\"d.txt", oid: a, size: 3, exec: false),
            .init(path: "a.txt", oid: b, size: 10, exec: true),
        ])
        let other = DirectoryManifest(entries: one.entries.reversed())
        #expect(one.encoded() == other.encoded())
        #expect(one.id == other.id)
        let text = String(decoding: one.encoded(), as: UTF8.self)
        #expect(text.hasPrefix(#"[{"exec":true,"oid":"sha256:2222"#))
        #expect(text.contains(#""path":"z/quote\"d.txt""#))
        let decoded = try DirectoryManifest(decoding: one.encoded(), id: one.id)
        #expect(decoded == one)
        #expect(decoded.totalSize == 13)
    }

    /// The canonical parser reads back exactly what the encoder writes, agreeing with `JSONDecoder`; other JSON
    /// still decodes through `JSONDecoder`, and near-misses of the canonical form are not misread.
    @Test func canonicalParserAgreesWithJSONDecoder() throws {
        let ids = (0..<4).map { ObjectID(hashing: [UInt8($0)]) }
        let paths = [
            "a.txt", "dir/é ü.bin", "quote\"and\\slash", "tab\there\u{1}\u{1f}", "0", "emoji/🦊.png", "del\u{7f}",
        ]
        let manifest = DirectoryManifest(
            entries: paths.enumerated().map {
                .init(path: $1, oid: ids[$0 % 4], size: Int64($0 * 1_000_003), exec: $0 % 2 == 0)
            })
        let bytes = manifest.encoded()
        let parsed = try #require(DirectoryManifest.parseCanonical(bytes))
        #expect(parsed == manifest.entries)
        #expect(parsed == (try JSONDecoder().decode([DirectoryManifest.Entry].self, from: Data(bytes))))
        #expect(DirectoryManifest.parseCanonical(Array("[]".utf8)) == [])

        let spaced = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: ",\"oid\"", with: ", \"oid\"")
        #expect(DirectoryManifest.parseCanonical(Array(spaced.utf8)) == nil)
        #expect(try DirectoryManifest(decoding: Array(spaced.utf8), id: manifest.id) == manifest)
        for nearMiss in [
            "[", "[]x", #"[{"exec":true,"oid":"sha256:00","path":"a","size":1}]"#,
            #"[{"exec":true,"oid":"sha256:\#(ids[0].hex)","path":"a","size":01}]"#,
            #"[{"exec":true,"oid":"sha256:\#(ids[0].hex)","path":"a\/b","size":1}]"#,
            #"[{"exec":true,"oid":"sha256:\#(ids[0].hex)","path":"a","size":99999999999999999999}]"#,
        ] {
            #expect(DirectoryManifest.parseCanonical(Array(nearMiss.utf8)) == nil, "\(nearMiss)")
        }
    }

    @Test func rejectsGarbage() {
        let id = ObjectID(hashing: Array("x".utf8))
        #expect(throws: MLOpsError.self) { try DirectoryManifest(decoding: Array("{not json".utf8), id: id) }
    }
}

/// Directory manifests come from shared remotes: a checkout writes every entry, so entries that climb out, name
/// a `.git` directory, repeat, or lie inside another entry are refused when the manifest is read.
@Suite struct ManifestValidationTests {
    @Test(arguments: ["../x", "/etc/x", "a/./b", ".git/config", "sub/.GIT/hooks/pre-commit", "", "a//b"])
    func entryPathsThatLeaveTheDirectoryAreRefused(_ path: String) {
        let bytes = Array(
            #"[{"exec":false,"oid":"sha256:\#(String(repeating: "a", count: 64))","path":"\#(path)","size":1}]"#.utf8)
        #expect(throws: MLOpsError.self) { try DirectoryManifest(decoding: bytes, id: ObjectID(hashing: bytes)) }
    }

    @Test func repeatedAndNestedEntriesAreRefused() {
        let oid = "sha256:" + String(repeating: "b", count: 64)
        for paths in [["x", "x"], ["a", "a/b"]] {
            let entries = paths.map { #"{"exec":false,"oid":"\#(oid)","path":"\#($0)","size":1}"# }.joined(
                separator: ",")
            let bytes = Array("[\(entries)]".utf8)
            #expect(throws: MLOpsError.self, "\(paths)") {
                try DirectoryManifest(decoding: bytes, id: ObjectID(hashing: bytes))
            }
        }
    }
}
