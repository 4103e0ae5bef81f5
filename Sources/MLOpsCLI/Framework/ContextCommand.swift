import ArgumentParser
import MLOpsCore

/// A command that runs against an injected ``CommandContext``: parse, call one library function, render.
protocol ContextCommand: AsyncParsableCommand {
    /// The options every command takes.
    var globals: GlobalOptions { get }
    /// Does the work, reading and writing only through `context`.
    func run(in context: CommandContext) async throws
}

extension ContextCommand {
    mutating func run() async throws { try await run(in: .process()) }

    /// The output path for this invocation.
    func output(_ context: CommandContext) -> Output { Output(context: context, options: globals) }

    /// The directory the command acts in: `-C` resolved against the working directory, or the working directory.
    func directory(_ context: CommandContext) -> String {
        globals.directory.map(context.absolutePath) ?? context.workingDirectory
    }

    /// A path the user gave, resolved against the command's directory (so `-C` applies to it, as with git).
    func path(_ given: String, _ context: CommandContext) -> String {
        WorkspacePath.absolute(given, relativeTo: directory(context))
    }

    /// The repository containing the command's directory.
    func repository(_ context: CommandContext) throws -> Repository {
        try Repository.discover(from: directory(context))
    }
}
