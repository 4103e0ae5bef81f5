import ArgumentParser
import MLOpsCore
import MLOpsErrors

/// Options `push`, `fetch` and `pull` share.
struct TransferArguments: ParsableArguments {
    @Option(
        name: .shortAndLong, help: "The remote (default: the default remote).", completion: .repository(.remote))
    var remote: String?

    @Option(name: .shortAndLong, help: "Transfers at once.")
    var jobs = 8

    @Flag(help: "Also transfer the run cache (stage results `repro` restores instead of running) and its objects.")
    var runCache = false

    @Flag(
        help: """
            Only runs and the registry (pushing, with the model and artifact objects they reference); no tracked \
            data.
            """)
    var metadata = false

    @Flag(help: "Only tracked data: runs and the registry stay where they are.")
    var noMetadata = false

    @Argument(help: "Tracked paths (default: everything tracked, and runs and the registry).", completion: .file())
    var paths: [String] = []

    func validate() throws {
        if metadata && noMetadata { throw ValidationError("--metadata and --no-metadata exclude each other") }
        if metadata && !paths.isEmpty {
            throw ValidationError("--metadata transfers runs and the registry only; leave out the paths")
        }
    }

    func options(_ context: CommandContext, directory: String) -> TransferOptions {
        var options = TransferOptions(
            paths: paths.isEmpty ? nil : paths, workingDirectory: directory, remote: remote,
            environment: context.environment)
        options.jobs = max(jobs, 1)
        options.runCache = runCache
        options.records = metadata ? .only : noMetadata ? .none : .withData
        return options
    }
}

extension TransferReport {
    func summary(_ verb: String) -> String {
        // Records alone (--metadata) moved no object worth a line.
        let recordsOnly = records != nil && transferred + alreadyPresent == 0 && missing.isEmpty
        var text =
            recordsOnly
            ? ""
            : "\(verb) \(transferred) object\(transferred == 1 ? "" : "s") (\(ByteCount.format(bytes))) "
                + "\(verb == "Pushed" ? "to" : "from") \(remote); \(alreadyPresent) already there.\n"
        if let records {
            let runs = "\(records.runs) run\(records.runs == 1 ? "" : "s")"
            let events = "\(records.events) registry or run change\(records.events == 1 ? "" : "s")"
            text +=
                verb == "Pushed"
                ? "Published \(runs) and \(events) (\(records.entries) record log entr\(records.entries == 1 ? "y" : "ies")).\n"
                : "Merged \(runs) and \(events) from \(records.entries) record log entr\(records.entries == 1 ? "y" : "ies").\n"
            for change in records.renumbered {
                text +=
                    "\(change.name)@\(change.from), registered offline here, is now \(change.name)@\(change.to): "
                    + "another clone published \(change.name)@\(change.from) first.\n"
            }
        }
        if runCacheEntries > 0 {
            text += "\(verb) \(runCacheEntries) run-cache entr\(runCacheEntries == 1 ? "y" : "ies").\n"
        }
        if abandonedUploads > 0 {
            text +=
                "Removed \(abandonedUploads) upload\(abandonedUploads == 1 ? "" : "s") interrupted over a day ago.\n"
        }
        if replaced > 0 { text += "Replaced \(replaced) object\(replaced == 1 ? "" : "s") the remote held.\n" }
        if !missing.isEmpty {
            text +=
                "\(missing.count) object\(missing.count == 1 ? " is" : "s are") in neither place, first: \(missing[0]).\n"
        }
        return text
    }
}

extension MLOps {
    struct Push: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Upload tracked data's objects that the remote lacks.",
            discussion: """
                One listing of the remote finds what is missing; objects go up in parallel (--jobs), files before \
                the directory manifests that list them. Re-running an interrupted push sends only what is still \
                missing.
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var transfer: TransferArguments

        @Flag(help: "Download and rehash what the remote already holds, and upload corrupt objects again.")
        var verify = false

        @Flag(help: "Upload every object again, whatever the remote holds.")
        var force = false

        func validate() throws {
            if verify && force {
                throw ValidationError("--verify and --force exclude each other: --force uploads everything")
            }
        }

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            var options = transfer.options(context, directory: try directory(context))
            options.remoteCopies = force ? .replaced : verify ? .verified : .trusted
            let report = try await withProgress(context) { try await repository.push(options, progress: $0) }
            try output(context).render(report) { _ in report.summary("Pushed") }
        }
    }

    struct Fetch: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Download tracked data's objects into the cache (the workspace is not touched).",
            discussion: """
                Every object is verified against its id before it enters the cache; a corrupt remote object is \
                reported (exit 7) and never used, one missing on the remote exits 8, after everything else is fetched.
                """)

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var transfer: TransferArguments

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let report = try await withProgress(context) {
                try await repository.fetch(transfer.options(context, directory: directory(context)), progress: $0)
            }
            try output(context).render(report) { _ in report.summary("Fetched") }
        }
    }

    struct Pull: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "pull",
            abstract: "Fetch tracked data's objects, then check them out into the workspace.")

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var transfer: TransferArguments

        @Flag(name: .shortAndLong, help: "Overwrite local changes that are not in the cache.")
        var force = false

        struct Report: Encodable {
            var fetched: TransferReport
            var checkout: CheckoutResult
        }

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let (fetched, checkout) = try await withProgress(context) {
                try await repository.pull(
                    transfer.options(context, directory: directory(context)), force: force, progress: $0)
            }
            try output(context).render(Report(fetched: fetched, checkout: checkout)) { _ in
                fetched.summary("Fetched")
                    + (transfer.metadata
                        ? ""
                        : "Checked out \(checkout.restored.count) file\(checkout.restored.count == 1 ? "" : "s")"
                            + " (\(checkout.unchanged) unchanged).\n")
            }
        }
    }
}
