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
        return "/" + (escaped.hasPrefix("#") || escaped.hasPrefix("!") ? "\\" + escaped : escaped) + (isDirectory ? "/" : "")
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
