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
    public var totalSize: Int64 { ByteCount.total(entries.lazy.map(\.size)) }

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
    ///
    /// Manifests written here are canonical and read by a parser for exactly that form (a directory of 20,000
    /// files decodes several times faster than through `JSONDecoder`); any other well-formed JSON manifest is
    /// decoded by `JSONDecoder`.
    public init(decoding bytes: [UInt8], id: ObjectID) throws {
        if let entries = Self.parseCanonical(bytes) {
            self.init(entries: entries)
        } else {
            do {
                self.init(entries: try JSONDecoder().decode([Entry].self, from: Data(bytes)))
            } catch {
                throw MLOpsError(.invalidInput, "object \(id) is not a valid directory manifest", cause: error)
            }
        }
        // A manifest may come from a shared remote: its paths are written below the directory on checkout, so
        // one that climbs out (`../x`, `/etc/x`) or an impossible size is refused, not followed.
        // No entry may be listed twice or lie inside another (`a` and `a/b`): the checkout could not write both.
        var paths = Set<String>()
        for entry in entries {
            guard Self.isPlainRelativePath(entry.path), ByteCount.isPlausible(entry.size),
                paths.insert(entry.path).inserted
            else {
                throw MLOpsError(
                    .invalidInput,
                    "object \(id) is not a valid directory manifest: entry '\(entry.path)' (size \(entry.size))",
                    hint:
                        "entry paths are relative and unique, without `.`, `..` or `.git` parts; sizes between 0 and 1 PiB"
                )
            }
        }
        for entry in entries {
            var parent = Substring(entry.path)
            while let slash = parent.lastIndex(of: "/") {
                parent = parent[..<slash]
                if paths.contains(String(parent)) {
                    throw MLOpsError(
                        .invalidInput,
                        "object \(id) is not a valid directory manifest: '\(entry.path)' lies inside the file '\(parent)'"
                    )
                }
            }
        }
    }

    /// Whether `path` is relative, non-empty and made of plain names (no `.`, `..` or empty parts, no NUL).
    static func isPlainRelativePath(_ path: String) -> Bool {
        guard !path.utf8.contains(0) else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !["", ".", ".."].contains($0) && ($0.utf8.count != 4 || $0.lowercased() != ".git")
        }
    }

    /// The entries of bytes in exactly the canonical form ``encoded()`` writes, or nil for anything else.
    static func parseCanonical(_ bytes: [UInt8]) -> [Entry]? {
        bytes.withUnsafeBufferPointer { buffer -> [Entry]? in
            var reader = CanonicalReader(bytes: buffer)
            var entries: [Entry] = []
            guard reader.skip("[") else { return nil }
            if reader.skip("]") { return reader.atEnd ? entries : nil }
            repeat {
                guard reader.skip(#"{"exec":"#) else { return nil }
                let exec: Bool
                if reader.skip("true") {
                    exec = true
                } else if reader.skip("false") {
                    exec = false
                } else {
                    return nil
                }
                guard reader.skip(#","oid":""#), let oid = reader.objectID(), reader.skip(#"","path":""#),
                    let path = reader.string(), reader.skip(#","size":"#), let size = reader.integer(), reader.skip("}")
                else { return nil }
                entries.append(Entry(path: path, oid: oid, size: size, exec: exec))
            } while reader.skip(",")
            return reader.skip("]") && reader.atEnd ? entries : nil
        }
    }

    /// Reads the canonical manifest form from a byte buffer; every method consumes only on success.
    private struct CanonicalReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        mutating func skip(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - position >= count, let base = bytes.baseAddress,
                memcmp(base + position, literal.utf8Start, count) == 0
            else { return false }
            position += count
            return true
        }

        /// `sha256:` and 64 lowercase hex digits.
        mutating func objectID() -> ObjectID? {
            let count = 7 + 64
            guard bytes.count - position >= count,
                let id = ObjectID(utf8: UnsafeBufferPointer(rebasing: bytes[position..<(position + count)]))
            else { return nil }
            position += count
            return id
        }

        /// The rest of a string whose opening quote was consumed, up to and including the closing one: the
        /// escapes ``DirectoryManifest/encoded()`` writes (`\"`, `\\`, `\u00XX` for control characters), valid UTF-8.
        mutating func string() -> String? {
            var utf8: [UInt8] = []
            var index = position
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    position = index + 1
                    return String(validating: utf8, as: UTF8.self)
                }
                guard byte >= 0x20 else { return nil }
                if byte != UInt8(ascii: "\\") {
                    utf8.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < bytes.count else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    utf8.append(bytes[index + 1])
                    index += 2
                case UInt8(ascii: "u"):
                    // Only "\u00" followed by two lowercase hex digits naming a control character.
                    guard index + 6 <= bytes.count, bytes[index + 2] == UInt8(ascii: "0"),
                        bytes[index + 3] == UInt8(ascii: "0"),
                        let high = Self.hexValue(bytes[index + 4]), let low = Self.hexValue(bytes[index + 5]), high < 2
                    else { return nil }
                    utf8.append(high << 4 | low)
                    index += 6
                default:
                    return nil
                }
            }
            return nil
        }

        /// A non-negative decimal integer without leading zeros.
        mutating func integer() -> Int64? {
            var index = position
            var value: Int64 = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (multiplied, overflowMultiply) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowAdd) = multiplied.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
                guard !overflowMultiply, !overflowAdd else { return nil }
                value = sum
                index += 1
            }
            let digits = index - position
            guard digits > 0, digits == 1 || bytes[position] != UInt8(ascii: "0") else { return nil }
            position = index
            return value
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
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
