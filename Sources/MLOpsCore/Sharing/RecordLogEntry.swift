import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// One entry of a remote's record log, the document `metadata/log/<position>` (docs/formats.md, "Records on a
/// remote"). A push appends one entry holding every record the clone has not published yet: the runs that ended
/// (each a ``RunRecord`` document, `metadata/runs/<id>.json`, whose SHA-256 the entry holds) and the events (registry changes, run tags and
/// deletions), in the order the clone made them.
///
/// Invariants:
/// - Positions start at 1 and have no gaps. An entry is created only if its position is free (a conditional
///   write), so the remote, not a clock, orders the pushes of all clones, and every clone reads the same order.
/// - Entries are immutable and chained: `previous` is the SHA-256 of the bytes of the entry before, so changing
///   any entry breaks the chain at the next one, and a clone that merged an entry remembers its hash.
public struct RecordLogEntry: Codable, Sendable, Equatable {
    /// The remote folder of the entries.
    static let folder = "metadata/log"
    static let currentFormat = 1

    /// A run published in this entry: its id and the SHA-256 (hex) of its record's bytes.
    public struct PublishedRun: Codable, Sendable, Equatable {
        public var id: String
        public var sha256: String
    }

    public var format = currentFormat
    public var position: Int
    /// SHA-256 (hex) of the bytes of the entry at `position - 1`; nil for the first.
    public var previous: String?
    /// Who pushed it (`user@host`) and when.
    public var pushedBy: String
    public var pushedNs: Int64
    public var runs: [PublishedRun]
    public var events: [SharedEvent]

    /// The document name of `position`: zero-padded, so names sort as positions do (and `aws s3 ls` lists them
    /// in order).
    static func name(of position: Int) -> String {
        let digits = String(position)
        return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// The position a document name stands for, or nil for names that are not entries.
    static func position(ofName name: String) -> Int? {
        guard name.utf8.count == 12, name.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(name),
            value > 0
        else { return nil }
        return value
    }

    /// The entry's bytes: JSON with sorted keys, so the same entry is the same bytes everywhere.
    func encoded() throws -> [UInt8] { try SharedJSON.encode(self) }

    /// Decodes the document named for `position`, refusing one that is not a well-formed entry of that position.
    static func decode(_ bytes: [UInt8], position: Int, remote: String) throws -> RecordLogEntry {
        let entry: RecordLogEntry
        do {
            entry = try SharedJSON.decode(RecordLogEntry.self, bytes)
        } catch {
            throw MLOpsError(
                .integrity, "record log entry \(position) on the remote '\(remote)' is not a valid entry",
                hint: "it was changed or damaged on the remote; nothing from it was merged")
        }
        guard entry.format == currentFormat else {
            throw MLOpsError(
                .invalidInput,
                "record log entry \(position) on '\(remote)' has format \(entry.format); this mlops reads \(currentFormat)",
                hint: "upgrade mlops")
        }
        guard entry.position == position else {
            throw MLOpsError(
                .integrity, "record log entry \(position) on the remote '\(remote)' says it is \(entry.position)",
                hint: "it was changed or damaged on the remote; nothing from it was merged")
        }
        return entry
    }

    /// SHA-256 (hex) of `bytes`, as `previous` records it.
    static func digest(_ bytes: [UInt8]) -> String {
        ObjectID(hashing: bytes).hex
    }
}

/// JSON as records on a remote are written: sorted keys, no escaped slashes. Keys are the fields' names as
/// declared: a key strategy would also rewrite the names of metrics, parameters and tags (dictionary keys).
enum SharedJSON {
    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ bytes: [UInt8]) throws -> Value {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
