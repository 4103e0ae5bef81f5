import Foundation
import MLOpsCore

/// Builders for test workspaces.
public enum Fixtures {
    /// Writes `text` to `path`, creating parent directories.
    public static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Reads a file as text.
    public static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// A new repository in a new temporary directory. Keep the directory alive as long as the repository.
    public static func repository() throws -> (TemporaryDirectory, Repository) {
        let directory = try TemporaryDirectory()
        _ = try Repository.initialize(at: directory.path)
        return (directory, try Repository(root: directory.path))
    }

    /// The SHA-256 of a file according to coreutils, an implementation independent of ours.
    public static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }
}

extension Fixtures {
    /// The project's root directory (where `Package.swift` is), found from this source file's location.
    public static var projectRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The path of a bundled example file, such as `auto-mpg/auto-mpg.csv`.
    public static func example(_ relative: String) -> String { projectRoot + "/Examples/" + relative }
}
