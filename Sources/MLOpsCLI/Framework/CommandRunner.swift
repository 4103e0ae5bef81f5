import ArgumentParser
import MLOpsErrors
import MLOpsServe

/// Runs one `mlops` invocation: parses, runs, and maps every failure to a message and an exit code.
/// This is the only place errors become text and exit statuses.
public enum CommandRunner {
    /// Sets up the process for `arguments` before anything else runs: `serve` moves Swift concurrency onto
    /// the server's event loops (see ``Serving/adoptEventLoopsForConcurrency()``). Call from the main thread
    /// before the first task.
    public static func prepareProcess(for arguments: [String]) {
        if arguments.first == "serve" { _ = Serving.adoptEventLoopsForConcurrency() }
    }

    /// Runs `arguments` (without the program name) in `context` and returns the process exit code.
    public static func run(_ arguments: [String], context: CommandContext) async -> Int32 {
        // Before `--`, which starts the command `mlops run` runs, `--json` asks for JSON even when parsing fails.
        let json = arguments.prefix { $0 != "--" }.contains("--json")
        if arguments.filter({ $0 != "--json" }) == ["help", "exit-codes"] {
            context.standardOutput.write(
                json ? ((try? Output.json(ExitStatus.table)) ?? "[]") + "\n" : ExitStatus.renderedTable)
            return 0
        }
        let arguments = GlobalOptions.movingLeadingOptions(arguments)
        let command: any ParsableCommand
        do {
            command = try MLOps.parseAsRoot(arguments)
        } catch {
            return report(parsingError: error, json: json, context: context)
        }
        guard let contextCommand = command as? any ContextCommand else {
            // Built-in commands such as `help` render through ArgumentParser.
            do {
                var command = command
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                return 0
            } catch {
                return report(parsingError: error, json: json, context: context)
            }
        }
        do {
            try await contextCommand.run(in: context)
            return 0
        } catch let error as MLOpsError {
            return report(error, options: contextCommand.globals, context: context)
        } catch let failure as ReportedFailure {
            return report(failure.error, options: contextCommand.globals, context: context, payload: false)
        } catch let error as ExitCode {
            return error.rawValue
        } catch let error as ValidationError {
            return report(MLOpsError(.usage, error.message), options: contextCommand.globals, context: context)
        } catch {
            return report(
                MLOpsError(.failure, "unexpected error", cause: error), options: contextCommand.globals,
                context: context)
        }
    }

    /// A failure to parse the command line (or `help`/`--version` output, which ArgumentParser reports the same
    /// way with exit code 0). Under `--json` a failure is also the JSON error document, as every other failure is.
    private static func report(parsingError error: any Error, json: Bool, context: CommandContext) -> Int32 {
        let message = MLOps.fullMessage(for: error)
        let code = MLOps.exitCode(for: error).rawValue
        if code == 0 {
            if !message.isEmpty { context.standardOutput.write(message + "\n") }
            return 0
        }
        context.standardError.write(message + "\n")
        if json {
            let kind: MLOpsError.Code = code == ExitStatus.code(for: .usage) ? .usage : .failure
            let payload = ErrorPayload(
                error: .init(
                    code: kind.rawValue, message: MLOps.message(for: error), hint: "see `mlops help`", exitCode: code))
            if let document = try? Output.json(payload) { context.standardOutput.write(document + "\n") }
        }
        return code
    }

    private static func report(
        _ error: MLOpsError, options: GlobalOptions, context: CommandContext, payload: Bool = true
    ) -> Int32 {
        let status = ExitStatus.code(for: error.code)
        // `status --exit-code` and gate failures already printed their report; only the status speaks.
        if error.code == .changesFound { return status }
        let style = TextStyle(enabled: context.colorsEnabled(on: context.standardError))
        // Messages quote names and values from files, records and bundles: never their control characters.
        // A message may list things one per line; continuation lines are indented, so no name in them can pass
        // for a line of its own (a `hint:`).
        let message = VisibleText.escaped(error.message, keepingLines: true)
            .replacingOccurrences(of: "\n", with: "\n  ")
        var text = style.red(style.bold("error:")) + " " + message
        if let cause = error.cause { text += "\n" + style.dim("cause: " + VisibleText.escaped("\(cause)")) }
        if let hint = error.hint { text += "\n" + style.yellow("hint:") + " " + VisibleText.escaped(hint) }
        context.standardError.write(text + "\n")
        if options.json && payload {
            let payload = ErrorPayload(
                error: .init(code: error.code.rawValue, message: error.message, hint: error.hint, exitCode: status))
            if let json = try? Output.json(payload) { context.standardOutput.write(json + "\n") }
        }
        return status
    }

    /// The JSON document printed on standard output when a `--json` command fails (unless the command already
    /// rendered its report as that one document and failed with a ``ReportedFailure``).
    struct ErrorPayload: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let hint: String?
            let exitCode: Int32
        }
        let error: Detail
    }
}

/// A failure whose command already rendered its report (a failed gate, a failed pipeline stage): the error
/// still goes to standard error and sets the exit status, but with `--json` no second document is printed.
struct ReportedFailure: Error {
    let error: MLOpsError
}
