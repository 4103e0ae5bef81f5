import Foundation
import MLOpsErrors
import MLOpsStore
import Yams

/// What a stage ran with and produced, as `mlops.lock` records it.
public struct StageRecord: Codable, Sendable, Equatable {
    /// The commands as run (parameters substituted).
    public var cmd: [String]
    /// Dependency path → object id.
    public var deps: [String: String]
    /// Parameter key → value.
    public var params: [String: String]
    /// Output path → object id.
    public var outs: [String: String]

    /// The run-cache key: a hash of the commands, dependency ids and parameter values (not the outputs).
    public var cacheKey: String {
        var text = "cmd\n" + cmd.joined(separator: "\n") + "\ndeps\n"
        for (path, oid) in deps.sorted(by: { $0.key < $1.key }) { text += "\(path) \(oid)\n" }
        text += "params\n"
        for (key, value) in params.sorted(by: { $0.key < $1.key }) { text += "\(key)=\(value)\n" }
        return ObjectID(hashing: Array(text.utf8)).hex
    }
}

/// `mlops.lock`: the committed record of every stage's last successful run, written atomically with sorted keys
/// so it diffs and merges well.
public enum PipelineLock {
    public static let name = "mlops.lock"

    /// The records in the lock file at `root` (empty when there is none).
    public static func read(root: String) throws -> [String: StageRecord] {
        let path = root + "/" + name
        guard let text = try TextFile.readIfPresent(path, name: path) else { return [:] }
        struct File: Decodable {
            var schema: Int
            var stages: [String: StageRecord]?
        }
        do {
            let file = try YAMLDecoder().decode(File.self, from: text)
            guard file.schema == 1 else {
                throw MLOpsError(
                    .invalidState, "'\(path)' has schema \(file.schema); this mlops reads 1", hint: "upgrade mlops")
            }
            return file.stages ?? [:]
        } catch let error as MLOpsError {
            throw error
        } catch {
            throw MLOpsError(
                .invalidInput, "'\(path)' is not a valid lock file",
                hint: "restore it with git, or delete it to re-run every stage", cause: error)
        }
    }

    /// Writes `records` to the lock file at `root`, atomically.
    public static func write(_ records: [String: StageRecord], root: String) throws {
        // YAML double-quoted scalars: escapes keep every character exact. Line breaks would be folded, and other
        // control characters (and NEL, LS, PS, which YAML also breaks lines on) make the file unreadable.
        func quoted(_ text: String) -> String {
            var result = "\""
            for character in text.unicodeScalars {
                switch character {
                case "\\": result += "\\\\"
                case "\"": result += "\\\""
                case "\n": result += "\\n"
                case "\r": result += "\\r"
                case "\t": result += "\\t"
                case _ where character.value < 0x20 || (0x7F...0x9F).contains(character.value):
                    result += "\\x" + String(format: "%02X", character.value)
                case "\u{2028}", "\u{2029}", "\u{FEFF}":
                    result += "\\u" + String(format: "%04X", character.value)
                default: result.unicodeScalars.append(character)
                }
            }
            return result + "\""
        }
        var text =
            "# Written by `mlops repro`: what each stage last ran with and produced. Commit it.\nschema: 1\nstages:\n"
        for (name, record) in records.sorted(by: { $0.key < $1.key }) {
            text += "  \(quoted(name)):\n    cmd:\n"
            for command in record.cmd { text += "      - \(quoted(command))\n" }
            for (section, map) in [("deps", record.deps), ("params", record.params), ("outs", record.outs)] {
                text += map.isEmpty ? "    \(section): {}\n" : "    \(section):\n"
                for (key, value) in map.sorted(by: { $0.key < $1.key }) {
                    text += "      \(quoted(key)): \(quoted(value))\n"
                }
            }
        }
        try AtomicFile.write(text, to: root + "/" + name)
    }
}
