import Foundation
import MLOpsErrors
import MLOpsStore
import Yams

/// The committed stand-in for a tracked file or directory: `<path>.mlops`, a small YAML document.
///
/// ```yaml
/// oid: sha256:…      # the file's object, or the directory's manifest object
/// size: 1234         # bytes (for a directory, the sum over its files)
/// kind: file         # file | dir
/// files: 20          # directories only: how many files
/// desc: …            # optional, free text kept across re-adds
/// ```
/// Unknown keys are rejected, so a typo or a newer format is reported instead of silently ignored.
public struct PointerFile: Equatable, Sendable, Codable {
    /// The suffix appended to a tracked path to name its pointer file.
    public static let suffix = ".mlops"

    /// Whether the pointer tracks a file or a directory.
    public enum Kind: String, Codable, Sendable {
        case file
        case dir
    }

    /// The file's object id, or the directory's manifest id.
    public var oid: ObjectID
    /// Size in bytes (a directory's total).
    public var size: Int64
    /// File or directory.
    public var kind: Kind
    /// For directories, the number of files.
    public var files: Int?
    /// An optional description, kept when the data is re-added.
    public var desc: String?

    public init(oid: ObjectID, size: Int64, kind: Kind, files: Int? = nil, desc: String? = nil) {
        self.oid = oid
        self.size = size
        self.kind = kind
        self.files = files
        self.desc = desc
    }

    private static let knownKeys: Set<String> = ["oid", "size", "kind", "files", "desc"]

    /// Parses pointer text; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws -> PointerFile {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw MLOpsError(
                .invalidInput, "pointer file '\(path)' is not valid YAML",
                hint: "restore it with `git checkout -- \(path)`", cause: error)
        }
        guard let mapping = node?.mapping else {
            throw MLOpsError(
                .invalidInput, "pointer file '\(path)' is not a YAML mapping",
                hint: "restore it with `git checkout -- \(path)`")
        }
        for key in mapping.keys {
            guard let name = key.string, knownKeys.contains(name) else {
                throw MLOpsError(
                    .invalidInput, "pointer file '\(path)' has an unknown field '\(key.string ?? "?")'",
                    hint: "remove the field, or upgrade mlops if a newer version wrote it")
            }
        }
        // Checked before decoding because the decoder would hide the id's own error behind a generic one.
        if let oid = mapping["oid"]?.string {
            do { _ = try ObjectID(parsing: oid) } catch let error as MLOpsError {
                throw MLOpsError(
                    .invalidInput, "pointer file '\(path)': \(error.message)",
                    hint: "restore it with `git checkout -- \(path)`")
            }
        }
        let pointer: PointerFile
        do {
            pointer = try YAMLDecoder().decode(PointerFile.self, from: text)
        } catch {
            throw MLOpsError(
                .invalidInput, "pointer file '\(path)' is malformed: \(ErrorDescription.describe(error))",
                hint: "restore it with `git checkout -- \(path)`")
        }
        guard ByteCount.isPlausible(pointer.size), (pointer.files ?? 0) >= 0 else {
            throw MLOpsError(
                .invalidInput,
                "pointer file '\(path)' declares an impossible size (\(pointer.size) bytes, \(pointer.files ?? 0) files)",
                hint: "restore it with `git checkout -- \(path)`")
        }
        return pointer
    }

    /// Reads and parses the pointer file at the absolute `path`; `displayPath` names it in errors.
    public static func read(at path: String, displayPath: String) throws -> PointerFile {
        try parse(try TextFile.read(path, name: displayPath), path: displayPath)
    }

    /// The YAML text, fields in a fixed order so diffs stay small.
    public func rendered() -> String {
        var text = "# Tracked by mlops; the data lives in the cache. Commit this file to git.\n"
        text += "oid: \(oid)\nsize: \(size)\nkind: \(kind.rawValue)\n"
        if let files { text += "files: \(files)\n" }
        if let desc, let encoded = try? Yams.dump(object: desc) {
            text += "desc: " + encoded.trimmingCharacters(in: .newlines) + "\n"
        }
        return text
    }
}
