import ArgumentParser
import MLOpsCore

extension MLOps {
    struct Export: ContextCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case bundle
            case onnx
        }

        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a model as ONNX (for other runtimes) or as a bundle another repository can import.",
            discussion: """
                ONNX: one input per feature (double [N,1], or string [N,1] for categorical features), one output \
                (prediction, or probabilities per class); ai.onnx.ml TreeEnsembleRegressor for trees, \
                MatMul for linear models. A bundle is a gzip-compressed tar of model.json, manifest.json (signature, metrics and lineage: \
                the original version, run, commit and data) and checksums.sha256. The same model always gives \
                the same bytes.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(
            help: "The model: name@version, name@alias, name@latest, or run:<id>.", completion: .repository(.model))
        var model: String

        @Option(help: "The output format.")
        var format: Format = .bundle

        @Option(help: "The file to write (such as mpg-3.tar.gz or mpg-3.onnx).", completion: .file())
        var output: String

        func run(in context: CommandContext) async throws {
            if format == .onnx {
                let (bytes, resolved) = try repository(context).exportONNX(
                    model, to: output, workingDirectory: directory(context))
                let payload = ["output": output, "bytes": String(bytes), "model": resolved.resolved]
                try self.output(context).render(payload) { _ in
                    "Wrote \(Self.naming(model, resolved.resolved)) as ONNX to \(output) "
                        + "(\(ByteCount.format(Int64(bytes)))).\n"
                }
                return
            }
            let summary = try repository(context).exportBundle(model, to: output, workingDirectory: directory(context))
            let resolved = summary.manifest.name.flatMap { name in summary.manifest.version.map { "\(name)@\($0)" } }
            try self.output(context).render(summary) { _ in
                "Wrote \(Self.naming(model, resolved ?? model)) to \(output) (\(ByteCount.format(Int64(summary.bytes)))).\n"
            }
        }

        /// `mpg@production (mpg@4)`: the reference as given and, when it differs, the version it named.
        static func naming(_ given: String, _ resolved: String) -> String {
            given == resolved ? given : "\(given) (\(resolved))"
        }
    }

    struct Import: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Register the model of a bundle (from `mlops export`) as a new version, with its lineage.",
            discussion: """
                Refuses, with nothing written, archives with absolute or .. paths, links, devices or other \
                special entries, more than 64 entries or 1 GiB, compression bombs, unexpected files, and any \
                checksum mismatch.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The bundle file.", completion: .file())
        var bundle: String

        @Option(help: "The model name to register it under (default: its name in the bundle).")
        var name: String?

        func run(in context: CommandContext) async throws {
            let version = try repository(context).importBundle(bundle, name: name, workingDirectory: directory(context))
            try output(context).render(version) { style in
                let origin = version.lineage?.origin.map { " (was \($0))" } ?? ""
                return "Imported \(style.bold(version.reference))\(origin) from \(bundle).\n"
            }
        }
    }
}

extension MLOps.ModelGroup {
    struct Fetch: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Fetch a registered model from a remote as a verified bundle, without a repository.",
            discussion: """
                For devices that run a model but not the project: resolves the reference through the remote's \
                records (as `mlops fetch` checks them), downloads the version's model and profile, verifies \
                each, and writes the bundle `mlops export` would write. The output is replaced atomically and \
                only when the model changed, so a cron job can run it and `mlops serve --bundle` on the same \
                file swaps the new model in. S3 credentials come from AWS_ACCESS_KEY_ID and \
                AWS_SECRET_ACCESS_KEY.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The model: name@alias, name@latest or name@version.")
        var model: String

        @Option(help: "The remote: a directory path or s3://bucket[/prefix].")
        var remote: String

        @Option(help: "For S3-compatible servers (MinIO, Ceph, moto): http(s)://host:port.")
        var endpointURL: String?

        @Option(help: "The S3 region (default: $AWS_DEFAULT_REGION, else us-east-1).")
        var region: String?

        @Option(help: "The bundle file to write (such as mpg.tar.gz).", completion: .file(extensions: ["gz"]))
        var output: String

        func run(in context: CommandContext) async throws {
            let fetched = try await RemoteBundleFetch.fetch(
                model, from: .init(url: remote, endpointURL: endpointURL, region: region), output: output,
                workingDirectory: directory(context), environment: context.environment)
            try self.output(context).render(fetched) { _ in
                let naming = MLOps.Export.naming(model, fetched.resolved)
                return fetched.changed
                    ? "Wrote \(naming) to \(output) (\(ByteCount.format(Int64(fetched.bytes)))).\n"
                    : "\(output) already holds \(naming); left unchanged.\n"
            }
        }
    }
}
