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

    /// The Python of `.build/venv` (scripts/bootstrap), which holds the independent clients the tests use.
    public static var python: String { projectRoot + "/.build/venv/bin/python" }

    /// Runs a checker script from `Tests/MLOpsCLITests/Fixtures` with ``python``; its output is in the result.
    public static func runChecker(_ script: String, _ arguments: [String]) throws -> CLIResult {
        try CLIRunner.execute(
            program: python, [projectRoot + "/Tests/MLOpsCLITests/Fixtures/" + script] + arguments, in: projectRoot)
    }

    /// The path of a bundled example file, such as `auto-mpg/data/auto-mpg.csv`.
    public static func example(_ relative: String) -> String { projectRoot + "/Examples/" + relative }
}

extension Fixtures {
    /// Runs the git CLI in `directory` (with a fixed identity) and returns its standard output, trimmed.
    @discardableResult
    public static func git(_ arguments: [String], in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=mlops tests", "-c", "user.email=tests@mlops.invalid"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(
                domain: "git", code: Int(process.terminationStatus),
                userInfo: [NSLocalizedDescriptionKey: "git \(arguments) failed"])
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Trains on `auto-mpg.csv` in `directory` (an ``experimentRepository()``) to predict `mpg`, with `arguments`
    /// added, and returns the run's id; throws with the command's error output when training fails.
    public static func trainedRun(_ arguments: [String] = [], in directory: TemporaryDirectory) async throws -> String {
        let trained = await CLIRunner.run(
            ["train", "--data", "auto-mpg.csv", "--target", "mpg", "--json"] + arguments, in: directory.path)
        guard trained.exitCode == 0, let run = (try? trained.json() as? [String: Any])?["run_id"] as? String else {
            throw NSError(
                domain: "train", code: Int(trained.exitCode),
                userInfo: [NSLocalizedDescriptionKey: trained.standardError])
        }
        return run
    }

    /// An ``experimentRepository()`` with one registered version of `mpg` per entry of `versions` (the extra
    /// `train` arguments of each, in version order) and, when given, `production` on that version. Returns the
    /// directory and the versions' run ids; throws with the command's error output when a step fails.
    public static func registry(
        _ versions: [[String]], production: Int? = nil
    ) async throws -> (directory: TemporaryDirectory, runs: [String]) {
        let directory = try await experimentRepository()
        var runs: [String] = []
        for arguments in versions {
            let run = try await trainedRun(arguments, in: directory)
            try await succeed(["model", "register", "run:" + run, "--name", "mpg"], in: directory)
            runs.append(run)
        }
        if let production {
            try await succeed(["model", "promote", "mpg@\(production)", "--to", "production"], in: directory)
        }
        return (directory, runs)
    }

    /// The `train` arguments of a model of `learner` on five auto-mpg features, `origin` read as a category.
    public static func fiveFeatures(_ learner: String) -> [String] {
        ["--model", learner, "--categorical", "origin"]
            + ["cylinders", "weight", "year", "origin", "horsepower"].flatMap { ["--feature", $0] }
    }

    private static func succeed(_ arguments: [String], in directory: TemporaryDirectory) async throws {
        let result = await CLIRunner.run(arguments, in: directory.path)
        guard result.exitCode == 0 else {
            throw NSError(
                domain: arguments.joined(separator: " "), code: Int(result.exitCode),
                userInfo: [NSLocalizedDescriptionKey: result.standardError])
        }
    }

    /// A temporary git repository with an mlops repository in it and the bundled auto-mpg data tracked and
    /// committed.
    public static func experimentRepository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try git(["init", "-q"], in: directory.path)
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        try FileManager.default.copyItem(
            atPath: example("auto-mpg/data/auto-mpg.csv"), toPath: directory.url("auto-mpg.csv"))
        _ = await CLIRunner.run(["add", "-q", "auto-mpg.csv"], in: directory.path)
        try git(["add", "-A"], in: directory.path)
        try git(["commit", "-qm", "Track auto-mpg"], in: directory.path)
        return directory
    }
}
