import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct Hooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hooks",
            abstract: "Keep data in step with git: post-checkout, pre-commit and pre-push hooks.",
            discussion: """
                post-checkout checks out the data a branch records (branch checkouts only, not during a rebase); \
                pre-commit warns when tracked data changed but its pointer file was not updated; pre-push pushes \
                the data to the default remote (when there is one). They are quiet and fast when nothing changed. \
                Users of the pre-commit framework can use the hooks in this project's .pre-commit-hooks.yaml \
                instead.
                """,
            subcommands: [Install.self, Uninstall.self, Run.self])
    }
}

extension MLOps.Hooks {
    struct Install: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Install the hooks in the git repository (honoring core.hooksPath).")

        @OptionGroup var globals: GlobalOptions

        @Flag(help: "Keep existing hooks mlops did not write, renamed <hook>.pre-mlops, and run them first.")
        var chain = false

        func run(in context: CommandContext) async throws {
            let changes = try repository(context).installHooks(chain: chain, executable: context.executable)
            try output(context).render(changes) { _ in
                changes.map { "\($0.action) \($0.hook.rawValue) (\($0.path))\n" }.joined()
            }
        }
    }

    struct Uninstall: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "uninstall", abstract: "Remove the hooks mlops installed; chained hooks are put back.")

        @OptionGroup var globals: GlobalOptions

        func run(in context: CommandContext) async throws {
            let changes = try repository(context).uninstallHooks()
            try output(context).render(changes) { _ in
                changes.isEmpty
                    ? "No mlops hooks were installed.\n" : changes.map { "\($0.action) \($0.hook.rawValue)\n" }.joined()
            }
        }
    }

    struct Run: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run one hook's work (what the installed hook scripts call).")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "post-checkout, pre-commit or pre-push.")
        var hook: String

        @Argument(help: "The arguments git passed to the hook.")
        var arguments: [String] = []

        func run(in context: CommandContext) async throws {
            guard let hook = GitHook(rawValue: hook) else {
                throw MLOpsError(
                    .usage, "'\(hook)' is not a hook mlops runs", hint: "post-checkout, pre-commit or pre-push")
            }
            // Outside an mlops repository (a plain git repository sharing the hooks path), hooks do nothing.
            guard let root = Repository.findRoot(from: directory(context)) else { return }
            let output = output(context)
            if hook == .postCheckout {
                // git passes <previous> <new> <flag>; the pre-commit framework passes them in the environment.
                let environment = context.environment
                let arguments =
                    arguments.count >= 3
                    ? arguments
                    : [
                        environment["PRE_COMMIT_FROM_REF"], environment["PRE_COMMIT_TO_REF"],
                        environment["PRE_COMMIT_CHECKOUT_TYPE"],
                    ].compactMap { $0 }
                guard arguments.count >= 3 else {
                    throw MLOpsError(.usage, "post-checkout takes <previous> <new> <flag>")
                }
                do {
                    let targets = try Repository.postCheckoutTargets(
                        root: root, previous: arguments[0], new: arguments[1], branchCheckout: arguments[2] == "1",
                        environment: context.environment)
                    guard !targets.isEmpty else { return }
                    let result = try Repository(root: root).checkout(targets, relativeTo: root)
                    if !result.restored.isEmpty || !result.removed.isEmpty {
                        output.note(
                            "mlops: checked out \(result.restored.count) file(s) of tracked data for this commit")
                    }
                } catch let error as MLOpsError {
                    // git has already switched; say what is left to do instead of failing the checkout.
                    output.note("mlops: data not checked out: \(error.message)\(error.hint.map { " (\($0))" } ?? "")")
                }
                return
            }
            let repository = try Repository(root: root)
            switch hook {
            case .postCheckout:
                return
            case .preCommit:
                for target in try repository.runPreCommitHook() {
                    output.note(
                        "mlops: warning: \(target) changed but \(target).mlops was not updated (run `mlops commit` or `mlops add \(target)`)"
                    )
                }
            case .prePush:
                guard repository.config.core.remote != nil else { return }
                let report = try await repository.push(
                    TransferOptions(paths: nil, workingDirectory: root, environment: context.environment))
                if report.transferred > 0 {
                    output.note(
                        "mlops: pushed \(report.transferred) object(s) (\(ByteCount.format(report.bytes))) to \(report.remote)"
                    )
                }
            }
        }
    }
}
