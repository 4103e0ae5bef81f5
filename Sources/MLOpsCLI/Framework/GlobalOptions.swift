import ArgumentParser

/// Options every command accepts.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Flag(help: "Print a JSON payload on standard output and nothing else.")
    public var json = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    public var quiet = false

    @Option(
        name: .customShort("C"),
        help: ArgumentHelp("Run as if mlops was started in <directory>.", valueName: "directory"),
        completion: .directory)
    public var directory: String?

    public init() {}
}

extension GlobalOptions {
    /// `arguments` with global options given before the subcommand (`mlops -C dir --json status`, as git takes
    /// them) moved to just after the subcommand's names, where ArgumentParser reads them. Anything after the
    /// names, including a `--` and what follows it, keeps its place.
    static func movingLeadingOptions(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if ["--json", "-q", "--quiet"].contains(first) {
                leading.append(first)
                rest = rest.dropFirst()
            } else if first == "-C", rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("-C"), first.count > 2 {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return arguments }
        var names: [String] = []
        var command: any ParsableCommand.Type = MLOps.self
        while let next = rest.first,
            let subcommand = command.configuration.subcommands.first(where: { $0._commandName == next })
        {
            names.append(next)
            rest = rest.dropFirst()
            command = subcommand
        }
        return names + leading + rest
    }
}
