import Foundation
import MLOpsCore

/// Everything a command needs from the world, injected so tests run commands in-process against their own
/// directories, buffers and environment.
public struct CommandContext: Sendable {
    /// The directory relative paths are resolved against (the process's current directory, or `-C`).
    public var workingDirectory: String
    /// The environment variables the command sees.
    public var environment: [String: String]
    /// Standard output: payloads and human results.
    public var standardOutput: any TextOutput
    /// Standard error: diagnostics, hints and progress.
    public var standardError: any TextOutput
    /// The clock, so tests can pin time.
    public var now: @Sendable () -> Date
    /// The absolute path of the mlops executable this command runs as: what git hooks and pipeline stages call
    /// back. (Tests running commands in-process give the built binary.)
    public var executable: String

    /// A context with explicit parts.
    public init(
        workingDirectory: String, environment: [String: String], standardOutput: any TextOutput,
        standardError: any TextOutput, now: @escaping @Sendable () -> Date = { Date() },
        executable: String = CommandContext.runningExecutable
    ) {
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.now = now
        self.executable = executable
    }

    /// This process's executable: `/proc/self/exe` where there is one, else `argv[0]` made absolute (when run
    /// by name, found on `PATH`). Never the working directory plus the name the shell was given.
    public static var runningExecutable: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        let name = CommandLine.arguments.first ?? "mlops"
        if name.contains("/") { return URL(fileURLWithPath: name).standardizedFileURL.path }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first(where: FileManager.default.isExecutableFile)
            ?? name
    }

    /// The real process's context: its directory, environment, stdout and stderr.
    public static func process() -> CommandContext {
        CommandContext(
            workingDirectory: FileManager.default.currentDirectoryPath,
            environment: ProcessInfo.processInfo.environment,
            standardOutput: FileDescriptorOutput(descriptor: 1),
            standardError: FileDescriptorOutput(descriptor: 2))
    }

    /// Whether colors are allowed on `output`: only on a terminal, never with `NO_COLOR` or `TERM=dumb`.
    func colorsEnabled(on output: any TextOutput) -> Bool {
        output.isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// `path` resolved against the working directory.
    func absolutePath(_ path: String) -> String {
        WorkspacePath.absolute(path, relativeTo: workingDirectory)
    }
}
