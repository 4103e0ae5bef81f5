import MLOpsCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
enum Entrypoint {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // First, on the main thread, while no other task exists: the process's executor can still be chosen.
        CommandRunner.prepareProcess(for: arguments)
        exit(await CommandRunner.run(arguments, context: .process()))
    }
}
