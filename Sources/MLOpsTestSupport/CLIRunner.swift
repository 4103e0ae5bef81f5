import Foundation
import MLOpsCLI

/// The outcome of one `mlops` invocation in a test.
public struct CLIResult: Sendable {
    public var exitCode: Int32
    public var standardOutput: String
    public var standardError: String

    public init(exitCode: Int32, standardOutput: String, standardError: String) {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Standard output parsed as JSON; fails the caller if it is anything else.
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(standardOutput.utf8), options: [])
    }
}

/// Runs `mlops` for tests: in-process through ``CommandRunner`` (fast, with an injected context), or as the
/// built executable (real process, real exit status, killable).
public enum CLIRunner {
    /// Runs `arguments` in-process in `directory`; `terminal` pretends both outputs are terminals.
    public static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], terminal: Bool = false
    ) async -> CLIResult {
        let stdout = CapturedOutput(isTerminal: terminal)
        let stderr = CapturedOutput(isTerminal: terminal)
        let context = CommandContext(
            workingDirectory: directory, environment: environment, standardOutput: stdout, standardError: stderr,
            executable: executable)
        let code = await CommandRunner.run(arguments, context: context)
        return CLIResult(exitCode: code, standardOutput: stdout.text, standardError: stderr.text)
    }

    /// The built `mlops` executable, next to the test bundle in the build directory.
    public static var executable: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("mlops").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../.build/debug/mlops"
        )
        .standardized.path
    }

    /// Starts the built executable with `arguments` in `directory` without waiting for it.
    public static func launch(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws
        -> Process
    {
        let process = makeProcess(executable, arguments, in: directory, environment: environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A started program whose output is being captured.
    public final class RunningCommand: @unchecked Sendable {
        let process: Process
        let stdout = Pipe()
        let stderr = Pipe()

        /// Starts `process` with its outputs captured.
        public init(starting process: Process) throws {
            self.process = process
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
        }

        /// Waits for the exit and returns what it printed.
        public func wait() -> CLIResult {
            let out = stdout.fileHandleForReading.readDataToEndOfFile()
            let err = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLIResult(
                exitCode: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
                standardError: String(decoding: err, as: UTF8.self))
        }
    }

    /// Starts the built executable and captures its output, for tests that act while it runs.
    public static func launchCapturing(
        _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) throws -> RunningCommand {
        try RunningCommand(starting: makeProcess(executable, arguments, in: directory, environment: environment))
    }

    /// Runs the built executable to completion and captures its output.
    public static func execute(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws
        -> CLIResult
    {
        try launchCapturing(arguments, in: directory, environment: environment).wait()
    }

    /// Runs any program (git, the AWS CLI) to completion and captures its output.
    public static func execute(
        program: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) throws -> CLIResult {
        try RunningCommand(starting: makeProcess(program, arguments, in: directory, environment: environment)).wait()
    }

    private static func makeProcess(
        _ program: String, _ arguments: [String], in directory: String, environment: [String: String]
    ) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        return process
    }
}
