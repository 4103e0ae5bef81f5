import ArgumentParser
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct RemoteGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remote",
            abstract: "Configure where push, fetch and pull share objects: a directory or S3-compatible storage.",
            discussion: """
                Remotes are stored in .mlops/config.yaml (committed, so clones share them); S3 credentials only in \
                .mlops/config.local.yaml (git-ignored) or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / \
                AWS_SESSION_TOKEN, and are never printed. The remote's layout is the cache's: sha256/ab/cdef… \
                under the path or prefix.
                """,
            subcommands: [Add.self, List.self, Remove.self, Default.self])
    }
}

extension MLOps.RemoteGroup {
    struct Add: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a remote (the first one becomes the default).")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The remote's name, such as storage.")
        var name: String

        @Argument(help: "A directory (a shared drive, an NFS mount) or s3://bucket[/prefix].", completion: .directory)
        var url: String

        @Option(help: "For S3-compatible servers (MinIO, Ceph, moto): http(s)://host[:port].")
        var endpointURL: String?

        @Option(help: "The S3 region (default: $AWS_DEFAULT_REGION or us-east-1).")
        var region: String?

        @Flag(help: "Address buckets in the path (/bucket/key); the default with --endpoint-url.")
        var pathStyle = false

        @Option(help: "The S3 access key id, stored in .mlops/config.local.yaml.")
        var accessKeyId: String?

        @Option(help: "The S3 secret access key, stored in .mlops/config.local.yaml.")
        var secretAccessKey: String?

        @Flag(name: .customLong("default"), help: "Make it the default remote.")
        var makeDefault = false

        @Flag(name: .shortAndLong, help: "Redefine a remote of the same name.")
        var force = false

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let settings = RepositoryConfig.Remote(
                url: url, endpointURL: endpointURL, region: region, pathStyle: pathStyle ? true : nil)
            do {
                try repository.addRemote(
                    name: name, settings: settings, makeDefault: makeDefault, replace: force,
                    accessKeyID: accessKeyId, secretAccessKey: secretAccessKey)
            } catch var error as MLOpsError where error.code == .conflict {
                error.hint = "add --force to redefine it, or choose another name"
                throw error
            }
            let added = try Repository(root: repository.root).remotes(environment: context.environment).first {
                $0.name == name
            }
            try output(context).render(added) { style in
                "Added remote \(style.bold(name)) → \(url)\(added?.isDefault == true ? " (default)" : "").\n"
            }
        }
    }

    struct List: ContextCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the remotes.")

        @OptionGroup var globals: GlobalOptions

        func run(in context: CommandContext) async throws {
            let remotes = try repository(context).remotes(environment: context.environment)
            try output(context).render(remotes) { style in
                guard !remotes.isEmpty else {
                    return "No remotes. Add one: mlops remote add storage s3://bucket/prefix\n"
                }
                var table = TextTable(header: ["NAME", "URL", "ENDPOINT", "CREDENTIALS"])
                for remote in remotes {
                    table.append([
                        remote.isDefault ? style.bold(remote.name) + " *" : remote.name, remote.url,
                        remote.endpointURL ?? "-",
                        remote.credentials,
                    ])
                }
                return table.rendered(style: style)
            }
        }
    }

    struct Remove: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove a remote and its stored credentials (its objects stay).")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The remote's name.", completion: .repository(.remote))
        var name: String

        func run(in context: CommandContext) async throws {
            try repository(context).removeRemote(name)
            try output(context).render(["removed": name]) { _ in "Removed remote \(name).\n" }
        }
    }

    struct Default: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "default", abstract: "Make a remote the one push, fetch and pull use by default.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The remote's name.", completion: .repository(.remote))
        var name: String

        func run(in context: CommandContext) async throws {
            try repository(context).setDefaultRemote(name)
            try output(context).render(["default": name]) { _ in "The default remote is now \(name).\n" }
        }
    }
}
