import MLOpsErrors
import Testing

@testable import MLOpsStore

@Suite struct ObjectIDTests {
    @Test func parsesAndPrintsCanonicalForm() throws {
        let text = "sha256:" + String(repeating: "ab", count: 32)
        let id = try ObjectID(parsing: text)
        #expect(id.description == text)
        #expect(id.relativePath == "sha256/ab/" + String(repeating: "ab", count: 31))
    }

    @Test(arguments: [
        "", "sha256:", "md5:" + String(repeating: "a", count: 64), "sha256:" + String(repeating: "A", count: 64),
        "sha256:" + String(repeating: "a", count: 63), "sha256:" + String(repeating: "g", count: 64),
    ])
    func rejectsMalformedIDs(_ text: String) {
        #expect(throws: MLOpsError.self) { try ObjectID(parsing: text) }
        var bytes = Array(text.utf8)
        #expect(bytes.withUnsafeMutableBufferPointer { ObjectID(utf8: UnsafeBufferPointer($0)) } == nil)
    }

    @Test func parsesFromBytesLikeFromText() throws {
        let text = "sha256:" + String(repeating: "0f", count: 32)
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { ObjectID(utf8: $0) } == (try ObjectID(parsing: text)))
    }

    /// Paths order by their UTF-8 bytes, as manifests, SQLite's default collation and git do.
    @Test func bytewiseOrderIsTheOrderOfUTF8Bytes() {
        let names = ["a", "a.txt", "a/b", "a-b", "ab", "B", "é", "e\u{301}", "z", "", "a/", "a0", "Ω/x"]
        let sorted = names.sorted { BytewiseOrder.precedes($0, $1) }
        #expect(sorted == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(!BytewiseOrder.precedes("a", "a") && BytewiseOrder.precedes("a", "a/"))
    }

    @Test func hashesLikeSHA256() {
        // The SHA-256 of "abc" from FIPS 180-2, appendix B.1.
        #expect(
            ObjectID(hashing: Array("abc".utf8)).hex
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
