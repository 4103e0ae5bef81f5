import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsServe

extension MLOps {
    struct Serve: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve registered models over HTTP (Open Inference Protocol, MLflow scoring, Prometheus).",
            discussion: """
                Loads each model (name@alias follows the alias: when promote or rollback moves it, the new \
                version loads beside the old and takes over without failing a request) and answers:
                  POST /v2/models/<name>[/versions/<v>]/infer   Open Inference Protocol
                  GET  /v2, /v2/health/live|ready, /v2/models/<name>[/versions/<v>][/ready]
                  POST /invocations   MLflow scoring (?model=<name> with several)
                  GET  /ping, /health, /version   MLflow probes
                  POST /feedback, /v2/models/<name>/feedback   {"id": …, "label": …}
                  GET  /metrics   Prometheus
                Responses name the version that answered in X-MLOps-Model-Version and the request id in \
                X-Request-ID. Requests (a --log-sample share) are written to serving_log in batches, off the \
                request path. SIGTERM or Ctrl-C drains in-flight requests before exiting. With --json, each event \
                (listening, loaded, swapped, refresh_failed, stopped) is one JSON object per line.

                With --bundle, serves exported bundles without a repository (an edge device): each is verified \
                before the port opens and served under its registered name, with the same protocols and limits \
                but no prediction log or feedback. Replacing the file (atomically, as `mlops model fetch` \
                writes it) swaps the new model in without failing a request; a damaged replacement is reported \
                and the loaded model keeps serving.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(
            help: "The models to serve: name@alias (followed), name@latest or name@version.",
            completion: .repository(.model))
        var models: [String] = []

        @Option(
            name: .customLong("bundle"),
            help: ArgumentHelp(
                "Serve a bundle file (repeatable) instead of registered models; no repository needed.",
                valueName: "file"),
            completion: .file(extensions: ["gz", "tgz"]))
        var bundles: [String] = []

        @Option(help: "The address to bind. Anything but loopback exposes the models: set --token too.")
        var host = "127.0.0.1"

        @Option(help: "The port (0 picks a free one).")
        var port = 8080

        @Option(
            help: ArgumentHelp(
                "Divide a model's traffic by weight, such as mpg@production=90,mpg@4=10.", valueName: "ref=weight,…"))
        var split: String?

        @Option(help: "Require Authorization: Bearer <token> (health probes excepted). Default: $MLOPS_SERVE_TOKEN.")
        var token: String?

        @Option(help: "The request header that keeps a client on one version of a split.")
        var stickyHeader = "x-routing-key"

        @Option(help: "The share of requests written to the prediction log (0 turns it off).")
        var logSample = 1.0

        @Option(
            name: .customLong("max-body"), help: ArgumentHelp("The largest request body, in MiB.", valueName: "MiB"))
        var maxBodyMiB = 16

        @Option(help: "The most rows one request may hold.")
        var maxBatch = 10_000

        @Option(
            help: ArgumentHelp("How often to check the registry for moved aliases, in seconds.", valueName: "seconds"))
        var poll = 0.5

        @Flag(
            help: """
                Follow the default remote: merge its runs and registry records every --remote-poll seconds, \
                fetching (and verifying) the models they register, so an alias moved and pushed from any clone is \
                swapped in here. A remote that is down keeps the loaded versions serving.
                """)
        var followRemote = false

        @Option(help: ArgumentHelp("How often --follow-remote checks the remote, in seconds.", valueName: "seconds"))
        var remotePoll = 2.0

        @Option(help: ArgumentHelp("Close a connection whose request head takes longer (408).", valueName: "seconds"))
        var headerTimeout = 10.0

        @Option(
            help: ArgumentHelp("Close a connection whose request body takes longer in all (408).", valueName: "seconds")
        )
        var bodyTimeout = 60.0

        @Option(help: ArgumentHelp("Close a kept-alive connection idle for longer.", valueName: "seconds"))
        var idleTimeout = 30.0

        @Option(help: "The most connections open at once; more are answered 503.")
        var maxConnections = 1_024

        @Option(
            help: ArgumentHelp(
                "Rows of each version's sliding window for live drift on /metrics (0 turns it off).", valueName: "rows")
        )
        var driftWindow = 10_000

        @Option(help: ArgumentHelp("How often live drift is recomputed, in seconds.", valueName: "seconds"))
        var driftInterval = 10.0

        @Option(
            name: .customLong("validate"),
            help: ArgumentHelp(
                """
                Check each request against the version's data contract (its signature and reference profile, \
                or --schema): reject answers 400 naming the row, feature and rule; flag answers and counts the \
                violations in /metrics (mlops_validation_violations_total) and the serving log.
                """, valueName: "reject|flag"))
        var validationMode: String?

        @Option(
            help: "With --validate: one schema file for every served version instead of each version's contract.",
            completion: .file(extensions: ["yaml", "yml"]))
        var schema: String?

        func validate() throws {
            guard (0...1).contains(logSample) else { throw ValidationError("--log-sample must be between 0 and 1") }
            guard (1...1_024).contains(maxBodyMiB) else {
                throw ValidationError("--max-body must be between 1 and 1024 MiB")
            }
            guard (1...1_000_000).contains(maxBatch) else {
                throw ValidationError("--max-batch must be between 1 and 1000000 rows")
            }
            guard (0...1_000_000).contains(driftWindow) else {
                throw ValidationError("--drift-window must be between 0 and 1000000 rows")
            }
            for (name, seconds) in [
                ("--poll", poll), ("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout),
                ("--idle-timeout", idleTimeout), ("--drift-interval", driftInterval),
            ] {
                guard seconds >= 0.01, seconds <= 86_400 else {
                    throw ValidationError("\(name) must be between 0.01 and 86400 seconds")
                }
            }
            guard (1...1_000_000).contains(maxConnections) else {
                throw ValidationError("--max-connections must be between 1 and 1000000")
            }
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            if let validationMode, RequestValidation.Mode(rawValue: validationMode) == nil {
                throw ValidationError("--validate must be reject or flag")
            }
            if !bundles.isEmpty {
                if !models.isEmpty { throw ValidationError("give models or --bundle, not both") }
                if split != nil { throw ValidationError("--split divides registered models' traffic, not bundles'") }
                if followRemote { throw ValidationError("--follow-remote needs a repository; --bundle serves files") }
            }
            if schema != nil, validationMode == nil {
                throw ValidationError("--schema needs --validate reject or flag")
            }
        }

        func run(in context: CommandContext) async throws {
            let repository = bundles.isEmpty ? try repository(context) : nil
            var configuration = ServingConfiguration(
                endpoints: repository == nil ? [] : try EndpointPlan.plan(models: models, split: split))
            configuration.host = host
            configuration.port = port
            configuration.token = token ?? context.environment["MLOPS_SERVE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            configuration.stickyHeader = stickyHeader
            configuration.logSampleRate = logSample
            configuration.maximumBodyBytes = maxBodyMiB << 20
            configuration.maximumBatchRows = maxBatch
            configuration.pollInterval = .milliseconds(Int(poll * 1000))
            configuration.connections.headerTimeout = .milliseconds(Int(headerTimeout * 1000))
            configuration.connections.bodyTimeout = .milliseconds(Int(bodyTimeout * 1000))
            configuration.connections.idleTimeout = .milliseconds(Int(idleTimeout * 1000))
            configuration.connections.maximumConnections = maxConnections
            configuration.driftWindowRows = driftWindow
            configuration.driftInterval = .milliseconds(Int(driftInterval * 1000))
            if let mode = validationMode.flatMap(RequestValidation.Mode.init(rawValue:)) {
                configuration.validation = RequestValidation(
                    mode: mode,
                    schema: try schema.map { try DataContract.file(path($0, context), displayName: $0) })
            }
            if followRemote {
                configuration.followRemote = .init(
                    environment: context.environment, interval: .milliseconds(Int(max(remotePoll, 0.05) * 1000)))
            }
            let output = output(context)
            if configuration.token == nil, !["127.0.0.1", "localhost", "::1"].contains(host) {
                output.note("warning: serving on \(host) without --token: anyone who can reach it can use the models")
            }
            let json = globals.json
            let quiet = globals.quiet
            // Bundles are named by their manifests, which the server reads; the URL is then shown with a placeholder.
            let firstName = configuration.endpoints.first?.name ?? "<name>"
            let report: @Sendable (ServingEvent) -> Void = { event in
                if json {
                    context.standardOutput.write(ServeEventLine(event).json + "\n")
                } else if !quiet {
                    context.standardOutput.write(Self.describe(event, firstName: firstName) + "\n")
                }
            }
            if let repository {
                try await Serving.serve(repository: repository, configuration: configuration, onEvent: report)
            } else {
                try await Serving.serve(
                    bundles: bundles.map { path($0, context) },
                    configuration: configuration, onEvent: report)
            }
        }

        private static func describe(_ event: ServingEvent, firstName: String) -> String {
            switch event {
            case .listening(let url):
                return
                    "Serving on \(url)  (V2: \(url)/v2/models/\(firstName)/infer, MLflow: \(url)/invocations, metrics: \(url)/metrics)"
            case .loaded(let route, let version):
                return "Loaded \(route) (version \(version))"
            case .swapped(let route, let previous, let version):
                return "Swapped \(route): version \(previous) → \(version)"
            case .refreshFailed(let route, let message):
                return "warning: cannot refresh \(route): \(message); version already loaded keeps serving"
            case .stopped(let logged, let dropped):
                return "Stopped. \(logged) requests logged" + (dropped > 0 ? ", \(dropped) dropped." : ".")
            }
        }
    }
}

/// A serving event as one line of JSON with stable keys.
private struct ServeEventLine: Encodable {
    var event: String
    var url: String?
    var route: String?
    var version: Int?
    var previous: Int?
    var message: String?
    var logged: Int?
    var dropped: Int?

    init(_ event: ServingEvent) {
        switch event {
        case .listening(let url): self.event = "listening"; self.url = url
        case .loaded(let route, let version): self.event = "loaded"; self.route = route; self.version = version
        case .swapped(let route, let previous, let version):
            self.event = "swapped"; self.route = route; self.previous = previous; self.version = version
        case .refreshFailed(let route, let message):
            self.event = "refresh_failed"; self.route = route; self.message = message
        case .stopped(let logged, let dropped): self.event = "stopped"; self.logged = logged; self.dropped = dropped
        }
    }

    var json: String { (try? Output.jsonLine(self)) ?? "{\"event\":\"\(event)\"}" }
}
