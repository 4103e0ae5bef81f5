import MLOpsCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
enum Entrypoint {
    static func main() async {
        exit(await CommandRunner.run(Array(CommandLine.arguments.dropFirst()), context: .process()))
    }
}
