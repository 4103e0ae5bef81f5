import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsLearn

extension MLOps {
    struct ModelGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "model",
            abstract: "The model registry: versions, aliases, promotion, rollback and history.",
            discussion: """
                Versions are numbered per model name (1, 2, …) and never change. Aliases (production, staging, \
                …) point at versions; every move is an event in the model's history. Reference versions as \
                name@3, name@production or name@latest.
                """,
            subcommands: [
                Register.self, List.self, Show.self, Promote.self, Rollback.self, History.self, Tag.self, Delete.self,
                Fetch.self,
            ])
    }
}

extension MLOps.ModelGroup {
    struct Register: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "register",
            abstract: "Register a run's model (or a model.json or ONNX file) as the next version of a model.",
            discussion: """
                An ONNX model (from scikit-learn, LightGBM, XGBoost, …) is stored as its own bytes and served by \
                mlops' own evaluator; registration checks that every operator it uses is supported. Its features \
                are its inputs' names; a single input of several columns needs --features. Its classes come from \
                the graph.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "run:<id> (a unique prefix is enough), or the path of a model.json or model.onnx file.")
        var source: String

        @Option(help: "The model's name.")
        var name: String

        @Option(
            help: """
                The run's artifact to register (for runs of your own training: mlops run --output model.onnx …); \
                default: its model, or its one .onnx artifact.
                """)
        var artifact: String?

        @Option(
            help: """
                For an ONNX model whose input holds several columns: the feature names in column order, \
                comma-separated (written into the model's metadata).
                """)
        var features: String?

        @Option(help: "For an ONNX model: the name of the column it predicts (default: target).")
        var target: String?

        @Option(
            help: """
                A data file to profile as the version's reference for monitoring (features, target, and the model's \
                predictions on it), for a model whose run recorded no profile, such as an ONNX model.
                """,
            completion: .file())
        var reference: String?

        @Option(
            help: """
                Take the version's metrics from this evaluation of the same model (eval:<run id>) instead of its \
                training run's hold-out; model show says which run measured them, on what data.
                """,
            completion: .repository(.run))
        var metricsFrom: String?

        @Flag(
            help: """
                Number the version here without asking the default remote; the number is provisional until \
                `mlops push` publishes it (and takes the next free one if another clone published it first).
                """)
        var offline = false

        /// The version's fields and how it was numbered, in one JSON object.
        struct Report: Encodable {
            let registration: Registration

            private enum Keys: String, CodingKey { case numbering }

            func encode(to encoder: any Encoder) throws {
                try registration.version.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(registration.numbering, forKey: .numbering)
            }
        }

        func run(in context: CommandContext) async throws {
            let naming = ONNXNaming(
                features: features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                target: target)
            let options = RegistrationOptions(
                metricsFrom: metricsFrom, artifact: artifact, naming: naming, reference: reference)
            let registration = try await repository(context).registerModel(
                source, name: name, workingDirectory: directory(context), options: options, offline: offline,
                environment: context.environment)
            let version = registration.version
            try output(context).render(Report(registration: registration)) { style in
                var text = "Registered \(style.bold(version.reference)) from \(version.source).\n"
                if registration.numbering == .offline {
                    text +=
                        "Offline\(registration.note.map { ": " + $0 } ?? ""): the number is provisional until "
                        + "`mlops push` publishes it.\n"
                }
                return text
            }
        }
    }

    struct List: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List registered models with their versions and aliases.")

        @OptionGroup var globals: GlobalOptions

        func run(in context: CommandContext) async throws {
            let models = try repository(context).registry.models()
            try output(context).render(models) { style in
                guard !models.isEmpty else {
                    return "No registered models. Register one with `mlops model register run:<id> --name <name>`.\n"
                }
                var table = TextTable(header: ["MODEL", "VERSIONS", "LATEST", "ALIASES"])
                for model in models {
                    let aliases = model.aliases.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                        separator: " ")
                    table.append([model.name, String(model.versions), String(model.latest), aliases])
                }
                return table.rendered(style: style)
            }
        }
    }

    struct Show: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a version (signature, metrics, lineage), or every version of a model.")

        @OptionGroup var globals: GlobalOptions

        @Argument(
            help: "name@version, name@alias, name@latest, or a model name for all its versions.",
            completion: .repository(.model))
        var model: String

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let versions =
                model.contains("@")
                ? [try repository.registry.version(try ModelReference.parse(model))]
                : try repository.registry.versions(of: model)
            let payload: ModelShowPayload = model.contains("@") ? .one(versions[0]) : .all(versions)
            try output(context).render(payload) { style in
                versions.map { Self.describe($0, style: style) }.joined(separator: "\n")
            }
        }

        enum ModelShowPayload: Encodable {
            case one(ModelVersion)
            case all([ModelVersion])
            func encode(to encoder: any Encoder) throws {
                switch self {
                case .one(let version): try version.encode(to: encoder)
                case .all(let versions): try versions.encode(to: encoder)
                }
            }
        }

        static func describe(_ version: ModelVersion, style: TextStyle) -> String {
            let text =
                style.bold(version.reference)
                + (version.aliases.isEmpty ? "" : "  (" + version.aliases.joined(separator: ", ") + ")") + "\n"
            var table = TextTable()
            table.append(["  object", version.oid + (version.format == .onnx ? " (ONNX)" : "")])
            table.append(["  source", version.source])
            table.append(["  commit", version.gitCommit ?? "-"])
            table.append([
                "  registered", ISO8601DateFormatter().string(from: version.created) + " by " + version.actor,
            ])
            let signature = version.signature
            table.append([
                "  task",
                signature.task.rawValue + (signature.classes.map { " (" + $0.joined(separator: ", ") + ")" } ?? ""),
            ])
            table.append(["  target", signature.target])
            table.append([
                "  features",
                signature.features.map { $0.kind == .categorical ? $0.name + " (categorical)" : $0.name }.joined(
                    separator: ", "),
            ])
            for datetime in signature.datetimes ?? [] {
                table.append([
                    "  datetime",
                    "\(datetime.name) (\(datetime.format.map { "format \($0)" } ?? "ISO 8601"), expanded into "
                        + datetime.parts.map(\.rawValue).joined(separator: ", ") + ")",
                ])
            }
            for (key, value) in version.metrics.sorted(by: { $0.key < $1.key }) {
                table.append(["  metric " + key, MetricText.format(value)])
            }
            if let source = version.metricsFrom {
                let data = source.inputs.map(\.path).joined(separator: ", ")
                let measured = source.kind == "eval" ? "evaluation" : "\(source.kind) run (its hold-out)"
                table.append([
                    "  metrics from",
                    "\(measured) \(source.runId.prefix(RunID.displayLength))" + (data.isEmpty ? "" : " on " + data),
                ])
            } else if !version.metrics.isEmpty {
                table.append(["  metrics from", "not recorded"])
            }
            for (key, value) in version.tags.sorted(by: { $0.key < $1.key }) { table.append(["  tag " + key, value]) }
            for input in version.inputs {
                table.append(["  data", input.path + " " + input.oid + (input.pointer.map { " via " + $0 } ?? "")])
            }
            if let recipe = version.lineage?.recipe {
                table.append(["  recipe", recipe.learner.rawValue + ": " + LineageText.describe(recipe)])
            }
            return text + table.rendered(style: style)
        }
    }

    struct Promote: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "promote",
            abstract: "Point an alias (production, staging, …) at a version; the move is recorded in the history.",
            discussion: """
                If .mlops/config.yaml sets registry.approval.<alias> (data, gates, baseline, max_regression), \
                the version is evaluated first and the promotion is refused with status 3 when a gate fails.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The version: name@version (or name@alias, name@latest).", completion: .repository(.model))
        var model: String

        @Option(help: "The alias to move.")
        var to: String

        @Option(help: "Why, for the history.")
        var reason: String?

        @Flag(
            help:
                "Also create the annotated git tags <name>@v<version> and <name>#<alias> (moved) at the version's commit."
        )
        var gitTag = false

        func run(in context: CommandContext) async throws {
            let change = try repository(context).promote(model, to: to, reason: reason, gitTags: gitTag)
            try output(context).render(change) { style in
                guard change.changed else {
                    return "\(change.name)@\(change.alias) is already version \(change.toVersion).\n"
                }
                let from = change.fromVersion.map { " (was \($0))" } ?? ""
                var text = "\(change.name)@\(style.bold(change.alias)) → version \(change.toVersion)\(from).\n"
                if let approval = change.approval {
                    text += "Approval passed: " + approval.gates.map(\.gate).joined(separator: ", ") + ".\n"
                }
                if let tags = change.gitTags, !tags.isEmpty {
                    text += "Git tags: " + tags.joined(separator: ", ") + ".\n"
                }
                return text
            }
        }
    }

    struct Rollback: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollback",
            abstract: "Move an alias back to the version that held it before its current one.",
            discussion: """
                The version it restores must pass the approval gates .mlops/config.yaml sets for the alias \
                (registry.approval.<alias>), as a promotion must; a failed gate refuses the rollback with status 3. \
                --skip-gates --reason '…' moves it without them, on the record.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Option(help: "The alias to roll back.")
        var alias = "production"

        @Option(help: "Why, for the history.")
        var reason: String?

        @Flag(
            help: """
                Move the alias without the approval gates .mlops/config.yaml sets for it (needs --reason; the \
                history records both).
                """)
        var skipGates = false

        func run(in context: CommandContext) async throws {
            let change = try repository(context).rollback(
                name, alias: alias, reason: reason, skipGates: skipGates)
            try output(context).render(change) { style in
                var text =
                    "\(change.name)@\(style.bold(change.alias)) → version \(change.toVersion) (rolled back from \(change.fromVersion ?? 0)).\n"
                if let approval = change.approval {
                    text += "Approval passed: " + approval.gates.map(\.gate).joined(separator: ", ") + ".\n"
                } else if change.gatesSkipped == true {
                    text += style.yellow("Approval gates skipped") + ": \(reason ?? "").\n"
                }
                return text
            }
        }
    }

    struct History: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "Show every registration, promotion, rollback, tag and deletion of a model.",
            discussion: """
                Events are in the order every clone agrees on once all have pushed and fetched: those on the default \
                remote in the order its record log gave them, then this clone's pending ones (marked *). A move \
                whose author saw another holder than the one before it (another clone moved the alias meanwhile) \
                is marked concurrent; a move to a version deleted first is void. See docs/formats.md.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let events = try repository.registry.history(of: name)
            // Without a default remote nothing is ever pushed: marking every event would say nothing.
            let shared = repository.config.core.remote != nil
            try output(context).render(events) { style in
                var table = TextTable(header: ["WHEN", "EVENT", "ALIAS", "FROM", "TO", "BY", "REASON", "NOTE"])
                let formatter = ISO8601DateFormatter()
                for event in events {
                    var notes: [String] = []
                    if shared && !event.published { notes.append("* not pushed") }
                    if event.concurrent { notes.append(style.yellow("concurrent")) }
                    if let approval = event.approval, !approval.isEmpty, approval.allSatisfy(\.passed) {
                        notes.append("gates passed: " + approval.map(\.gate).joined(separator: ", "))
                    }
                    if event.gatesSkipped == true { notes.append(style.yellow("gates skipped")) }
                    if let void = event.void { notes.append(style.red("void: " + void)) }
                    table.append([
                        formatter.string(from: event.at), event.event, event.alias ?? "",
                        event.fromVersion.map(String.init) ?? "",
                        event.toVersion.map(String.init) ?? "", event.actor, event.reason ?? "",
                        notes.joined(separator: ", "),
                    ])
                }
                return table.rendered(style: style)
            }
        }
    }

    struct Tag: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "tag", abstract: "Attach a tag (key=value) to a version.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The version: name@version.", completion: .repository(.model))
        var model: String

        @Argument(help: "The tag, as key=value.")
        var tag: String

        func run(in context: CommandContext) async throws {
            guard let (key, value) = try Assignments.parse([tag], option: "a tag").first else { return }
            let version = try repository(context).registry.tag(try ModelReference.parse(model), key: key, value: value)
            try output(context).render(version) { _ in "Tagged \(version.reference) \(key)=\(value).\n" }
        }
    }

    struct Delete: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a version (refused while an alias points at it).")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The version: name@version.", completion: .repository(.model))
        var model: String

        func run(in context: CommandContext) async throws {
            try repository(context).registry.deleteVersion(try ModelReference.parse(model))
            try output(context).render(["deleted": model]) { _ in "Deleted \(model).\n" }
        }
    }
}
