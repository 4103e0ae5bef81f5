import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn

/// Which contract `validate` and `schema infer` read: a schema file or a model version.
struct ContractOptions: ParsableArguments {
    @Option(help: "The schema file the data must keep.", completion: .file(extensions: ["yaml", "yml"]))
    var schema: String?

    @Option(help: "A model version whose signature and reference profile are the contract (mpg@production).")
    var model: String?

    @Option(
        help: """
            With --model: how far beyond the reference a value may lie, as a share of the reference's range on \
            each side (also added to each column's missing share; default 0.1).
            """)
    var tolerance: Double?

    func validate() throws {
        if schema != nil, model != nil { throw ValidationError("give --schema FILE or --model VERSION, not both") }
        if tolerance != nil, model == nil { throw ValidationError("--tolerance applies to --model") }
    }
}

extension MLOps {
    struct Validate: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a data file against a schema or a model's contract, before training or scoring.",
            discussion: """
                Checks required columns, types, value ranges, allowed categories, missing-value shares, \
                uniqueness and the row count, and lists every violation with its count and example lines. The \
                contract is a schema file (--schema; by default <data>.schema.yaml beside the data) or a model \
                version (--model mpg@production): its features and their kinds, and its reference profile's \
                ranges, missing shares and categories widened by --tolerance. Exits 65 (invalid-input) when the \
                data breaks the contract. `mlops train` and `mlops tune` refuse data that breaks the schema \
                beside it; pipeline stages check deps listed as {path: …, validate: schema.yaml}.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The data file (CSV or .jsonl).", completion: .file())
        var data: String

        @OptionGroup var contract: ContractOptions

        func run(in context: CommandContext) async throws {
            let path = WorkspacePath.absolute(data, relativeTo: directory(context))
            let report: ValidationReport
            if let model = contract.model {
                report = try repository(context).validate(
                    dataAt: path, displayName: data, model: model,
                    tolerance: contract.tolerance ?? DataContract.defaultTolerance)
            } else {
                let schema = try schemaPath(for: path, context)
                report = try DataContract.file(schema.path, displayName: schema.shown)
                    .validate(dataAt: path, displayName: data)
            }
            try output(context).render(report) { style in ValidationText.render(report, style: style) }
            if !report.valid {
                throw ReportedFailure(
                    error: MLOpsError(
                        .invalidInput,
                        "'\(data)' breaks \(report.contract): \(report.violations.count) "
                            + (report.violations.count == 1 ? "violation" : "violations")))
            }
        }

        private func schemaPath(for data: String, _ context: CommandContext) throws -> (path: String, shown: String) {
            if let schema = contract.schema {
                return (WorkspacePath.absolute(schema, relativeTo: directory(context)), schema)
            }
            let sibling = SchemaFile.sibling(of: data)
            guard FileManager.default.fileExists(atPath: sibling) else {
                throw MLOpsError(
                    .usage, "say what '\(self.data)' must keep: --schema FILE or --model VERSION",
                    hint: "or write \(URL(fileURLWithPath: sibling).lastPathComponent) beside it "
                        + "(`mlops schema infer \(self.data) --output …`)")
            }
            return (sibling, URL(fileURLWithPath: sibling).lastPathComponent)
        }
    }

    struct SchemaGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Write data schemas: the contracts `mlops validate` checks.",
            subcommands: [Infer.self])
    }
}

extension MLOps.SchemaGroup {
    struct Infer: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "infer",
            abstract: "Infer a schema from a data file or a model version, as a starting point to edit.",
            discussion: """
                From data: every column required, numbers with their observed range (integer when all are \
                whole), labels with their values (up to 50), observed missing shares, and integer or label \
                columns whose values are all distinct marked unique. From --model: the contract `validate \
                --model` checks. Writes YAML to --output (refusing to replace a file unless --force) or prints \
                it.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The data file (CSV or .jsonl); omit with --model.", completion: .file())
        var data: String?

        @Option(help: "A model version to take the contract from instead (mpg@production).")
        var model: String?

        @Option(help: "With --model: the share of each range to widen by (default 0.1).")
        var tolerance: Double?

        @Option(name: .shortAndLong, help: "Write the schema here instead of standard output.", completion: .file())
        var output: String?

        @Flag(help: "Replace an existing --output file.")
        var force = false

        func validate() throws {
            if (data == nil) == (model == nil) { throw ValidationError("give a data file or --model VERSION") }
            if tolerance != nil, model == nil { throw ValidationError("--tolerance applies to --model") }
        }

        struct Written: Encodable {
            var path: String?
            var columns: Int
            var yaml: String
        }

        func run(in context: CommandContext) async throws {
            let schema: DataSchema
            if let model {
                schema = try repository(context).contract(
                    ofModel: model, tolerance: tolerance ?? DataContract.defaultTolerance
                ).schema
            } else {
                schema = try SchemaFile.infer(
                    fromDataAt: WorkspacePath.absolute(data ?? "", relativeTo: directory(context)))
            }
            let yaml = try SchemaFile.render(schema)
            if let output {
                try SchemaFile.write(
                    yaml, to: WorkspacePath.absolute(output, relativeTo: directory(context)), replacing: force,
                    input: data.map { WorkspacePath.absolute($0, relativeTo: directory(context)) })
            }
            let written = Written(path: output, columns: schema.columns.count, yaml: yaml)
            try self.output(context).render(written) { _ in
                output.map { "Wrote \($0) (\(schema.columns.count) columns); edit it, then `mlops validate`.\n" }
                    ?? yaml
            }
        }
    }
}
