import ArgumentParser
import Foundation
import MLOpsCore

extension CompletionKind {
    /// Completes names from the repository the command would act on (models and their versions and aliases,
    /// runs, stages, remotes): the shell calls `mlops` back with the words typed so far, and a `-C` among them is
    /// honoured. Nothing is printed outside a repository.
    static func repository(_ kind: ShellCompletion.Kind) -> CompletionKind {
        .custom { words, _, prefix in
            ShellCompletion.candidates(kind, prefix: prefix, directory: NameCompletion.directory(in: words))
        }
    }
}

enum NameCompletion {
    /// The directory `-C` names among the typed words (the last one wins, as when parsing), else the shell's.
    static func directory(in words: [String]) -> String {
        let current = FileManager.default.currentDirectoryPath
        guard let flag = words.lastIndex(of: "-C"), flag + 1 < words.count else { return current }
        return WorkspacePath.absolute(words[flag + 1], relativeTo: current)
    }
}
