import Foundation
import MLOpsStore

/// Keeps tracked data out of git: each tracked path gets an anchored entry (`/train.csv`, `/images/`) in the
/// `.gitignore` of its directory, as DVC does. Lines written by people are preserved as they are.
enum GitIgnoreFile {
    /// The entry that ignores `name` (a file or directory directly inside the `.gitignore`'s directory).
    static func entry(for name: String, isDirectory: Bool) -> String {
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "*", with: "\\*").replacingOccurrences(of: "?", with: "\\?")
            .replacingOccurrences(of: "[", with: "\\[")
        return "/" + (escaped.hasPrefix("#") || escaped.hasPrefix("!") ? "\\" + escaped : escaped)
            + (isDirectory ? "/" : "")
    }

    /// The entry that keeps temporary files of interrupted writes (``ObjectStore/isStagingName(_:)``) out of git,
    /// at any depth.
    static let stagingEntry = ".*.mlops-*.tmp"

    /// Makes sure the clone's own exclude file (`.git/info/exclude`, never committed, so no one's `.gitignore`
    /// changes) hides temporary files of interrupted writes. Commands that write beside workspace files call it;
    /// a repository outside git, or a git directory that cannot be written, is left alone.
    static func excludeStagingFiles(inRepositoryAt root: String) {
        var gitDirectory = root + "/.git"
        if let text = try? String(contentsOfFile: gitDirectory, encoding: .utf8), text.hasPrefix("gitdir: ") {
            let named = text.dropFirst("gitdir: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
            gitDirectory = named.hasPrefix("/") ? named : root + "/" + named
        }
        guard FileSnapshot.take(gitDirectory)?.isDirectory == true else { return }
        let info = gitDirectory + "/info"
        if FileSnapshot.take(info) == nil {
            try? FileManager.default.createDirectory(atPath: info, withIntermediateDirectories: true)
        }
        let path = info + "/exclude"
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard !existing.split(separator: "\n").contains(Substring(stagingEntry)) else { return }
        try? AtomicFile.write(
            existing + (existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n") + stagingEntry + "\n", to: path)
    }

    /// Adds `entry` to `directory/.gitignore` unless it is already there.
    static func add(_ entry: String, in directory: String) throws {
        let path = directory + "/.gitignore"
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let lines = existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.contains(entry) { return }
        var text = existing
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        text += entry + "\n"
        try AtomicFile.write(text, to: path)
    }

    /// Removes `entry` (and its directory/file twin) from `directory/.gitignore`; deletes a file left empty.
    static func remove(_ entry: String, in directory: String) throws {
        let path = directory + "/.gitignore"
        guard let existing = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let base = entry.hasSuffix("/") ? String(entry.dropLast()) : entry
        var lines = existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let before = lines.count
        lines.removeAll { $0 == base || $0 == base + "/" }
        guard lines.count != before else { return }
        let text = lines.joined(separator: "\n")
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try? FileManager.default.removeItem(atPath: path)
        } else {
            try AtomicFile.write(text, to: path)
        }
    }
}
