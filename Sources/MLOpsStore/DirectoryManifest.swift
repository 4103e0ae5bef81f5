import Foundation
import MLOpsErrors

/// The stored form of a tracked directory: one entry per file, itself stored as an object.
///
/// Canonical encoding (documented in docs/formats.md): a JSON array, entries sorted by path (bytewise UTF-8),
/// each an object with keys in the order `exec`, `oid`, `path`, `size`, no whitespace. The manifest's id is the
/// SHA-256 of exactly those bytes, so the same tree always has the same id.
public struct DirectoryManifest: Equatable, Sendable {
    /// One file of the directory.
    public struct Entry: Equatable, Sendable, Codable {
        /// The path relative to the tracked directory, `/`-separated.
        public var path: String
        /// The file's object id.
        public var oid: ObjectID
        /// Its size in bytes.
        public var size: Int64
        /// Whether its owner-execute bit is set.
        public var exec: Bool

        public init(path: String, oid: ObjectID, size: Int64, exec: Bool) {
            self.path = path
            self.oid = oid
            self.size = size
            self.exec = exec
        }
    }

    /// The entries, sorted by path.
    public private(set) var entries: [Entry]

    /// A manifest of `entries`, which are sorted here (a walk usually hands them over sorted already).
    public init(entries: [Entry]) {
        let isSorted = zip(entries, entries.dropFirst()).allSatisfy { BytewiseOrder.precedes($0.path, $1.path) }
        self.entries = isSorted ? entries : entries.sorted { BytewiseOrder.precedes($0.path, $1.path) }
    }

    /// The total size of all files.
    public var totalSize: Int64 { entries.reduce(0) { $0 + $1.size } }

    /// The canonical bytes.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.count * 130)
        bytes.append(UInt8(ascii: "["))
        for (index, entry) in entries.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: #"{"exec":"#.utf8)
            bytes.append(contentsOf: (entry.exec ? "true" : "false").utf8)
            bytes.append(contentsOf: #","oid":"sha256:"#.utf8)
            bytes.append(contentsOf: entry.oid.hex.utf8)
            bytes.append(contentsOf: #"","path":"#.utf8)
            Self.appendJSONString(entry.path, to: &bytes)
            bytes.append(contentsOf: #","size":"#.utf8)
            bytes.append(contentsOf: String(entry.size).utf8)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// The manifest's object id.
    public var id: ObjectID { ObjectID(hashing: encoded()) }

    /// Decodes manifest bytes; throws `.invalidInput` for anything that is not a well-formed manifest.
    public init(decoding bytes: [UInt8], id: ObjectID) throws {
        do {
            self.init(entries: try JSONDecoder().decode([Entry].self, from: Data(bytes)))
        } catch {
            throw MLOpsError(.invalidInput, "object \(id) is not a valid directory manifest", cause: error)
        }
    }

    private static func appendJSONString(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
