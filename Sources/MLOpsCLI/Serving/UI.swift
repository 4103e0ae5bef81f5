import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsUI

extension MLOps {
    struct UI: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "ui",
            abstract: "Browse runs, models, the pipeline, data and serving in a local web dashboard.",
            discussion: """
                Serves pages read from the repository at each request, so they show new runs, versions and \
                served traffic without a restart:
                  /            runs: filter (--where syntax), sort, choose columns, compare selected runs
                  /runs/<id>   one run: parameters, metrics and learning curves, lineage, artifacts, log
                  /models      models; /models/<name>: versions, history, evaluations, promote and roll back
                  /pipeline    the mlops.yaml graph with each stage's state and last run
                  /data        tracked data and its status; compare with the default remote on request
                  /serving     requests, latency and violations per version; drift per feature over time
                The same content is JSON under /api/ (docs/formats.md). Everything is served from the binary; \
                the pages load nothing from elsewhere. Without a token the dashboard is read-only; with \
                MLOPS_UI_TOKEN (or --token), opening the address printed at start lets that browser promote and \
                roll back through the same checks as `mlops model promote` (approval gates included). With \
                --json, each event (listening, stopped) is one JSON object per line.
                """)

        @OptionGroup var globals: GlobalOptions

        @Option(help: "The address to bind. Anything but loopback shows the repository to others.")
        var host = "127.0.0.1"

        @Option(help: "The port (0 picks a free one).")
        var port = 8765

        @Option(
            help: """
                Allow promote and rollback to browsers that opened the address with it, and to scripts sending it \
                as a bearer token. Default: $MLOPS_UI_TOKEN, which other users cannot see in the process list.
                """)
        var token: String?

        @Option(help: "The most connections open at once; more are answered 503.")
        var maxConnections = 256

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            guard (1...100_000).contains(maxConnections) else {
                throw ValidationError("--max-connections must be between 1 and 100000")
            }
            if let token, !Self.isAcceptable(token) { throw ValidationError("--token " + Self.tokenRule) }
        }

        static let tokenRule = "must be at least 8 printable ASCII characters without spaces, ';' or ','"

        static func isAcceptable(_ token: String) -> Bool {
            token.count >= 8
                && token.allSatisfy {
                    $0.isASCII && !$0.isWhitespace && $0 != ";" && $0 != "," && $0.asciiValue ?? 0 >= 32
                }
        }

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            var configuration = DashboardConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.token = token ?? context.environment["MLOPS_UI_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            if let token = configuration.token, !Self.isAcceptable(token) {
                throw MLOpsError(.usage, "MLOPS_UI_TOKEN " + Self.tokenRule)
            }
            configuration.connections.maximumConnections = maxConnections
            configuration.environment = context.environment
            let output = output(context)
            if ["0.0.0.0", "::"].contains(host) {
                output.note(
                    "note: bound to every interface, the dashboard still answers only requests addressed to "
                        + "127.0.0.1 or localhost; to reach it from elsewhere, bind the address others use (--host)")
            } else if !["127.0.0.1", "localhost", "::1"].contains(host) {
                output.note("warning: the dashboard on \(host) shows this repository to anyone who can reach it")
            }
            let json = globals.json
            let quiet = globals.quiet
            try await Dashboard.serve(repository: repository, configuration: configuration) { event in
                if json {
                    context.standardOutput.write(UIEventLine(event).json + "\n")
                } else if !quiet {
                    context.standardOutput.write(Self.describe(event) + "\n")
                }
            }
        }

        private static func describe(_ event: DashboardEvent) -> String {
            switch event {
            case .listening(let url, nil):
                return "Dashboard on \(url)  (read-only: set MLOPS_UI_TOKEN or --token to promote and roll back)"
            case .listening(let url, let login?):
                return "Dashboard on \(url)  (open \(login) to promote and roll back)"
            case .stopped:
                return "Stopped."
            }
        }
    }
}

/// A dashboard event as one line of JSON with stable keys.
private struct UIEventLine: Encodable {
    var event: String
    var url: String?
    var login: String?

    init(_ event: DashboardEvent) {
        switch event {
        case .listening(let url, let login):
            self.event = "listening"
            self.url = url
            self.login = login
        case .stopped: self.event = "stopped"
        }
    }

    var json: String { (try? Output.jsonLine(self)) ?? "{\"event\":\"\(event)\"}" }
}
