import ArgumentParser
import MLOpsCore

extension MLOps {
    struct Move: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "mv", abstract: "Move or rename tracked data together with its pointer file.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The tracked path to move.", completion: .file())
        var source: String

        @Argument(help: "The new path, or an existing directory to move into.", completion: .file())
        var destination: String

        func run(in context: CommandContext) async throws {
            let moved = try repository(context).move(source, to: destination, relativeTo: directory(context))
            try output(context).render(["from": source, "to": moved]) { _ in "moved \(source) → \(moved)\n" }
        }
    }
}
