import ArgumentParser

/// Options every command accepts.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Flag(help: "Print a JSON payload on standard output and nothing else.")
    public var json = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    public var quiet = false

    @Option(
        name: .customShort("C"), help: ArgumentHelp("Run as if mlops was started in <directory>.", valueName: "directory"),
        completion: .directory)
    public var directory: String?

    public init() {}
}
