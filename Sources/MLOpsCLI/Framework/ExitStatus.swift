import MLOpsErrors

/// One row of the exit-status table: the single place that maps error codes to process exit codes.
public struct ExitStatus: Sendable, Encodable {
    /// The process exit code.
    public let code: Int32
    /// A stable name for scripts and docs.
    public let name: String
    /// What it means.
    public let meaning: String

    /// Every exit status mlops uses, documented in `mlops help exit-codes` and the man page.
    public static let table: [ExitStatus] = [
        ExitStatus(code: 0, name: "ok", meaning: "success"),
        ExitStatus(code: 1, name: "failure", meaning: "an unexpected error (I/O, a bug)"),
        ExitStatus(code: 2, name: "changes-found", meaning: "`status --exit-code` found changes"),
        ExitStatus(code: 3, name: "gate-failed", meaning: "a quality gate failed"),
        ExitStatus(code: 4, name: "drift-detected", meaning: "monitoring detected drift"),
        ExitStatus(code: 5, name: "not-a-repository", meaning: "not inside an mlops repository"),
        ExitStatus(code: 6, name: "locked", meaning: "another process holds the repository lock"),
        ExitStatus(code: 7, name: "integrity", meaning: "stored data is corrupt (fsck, checkout)"),
        ExitStatus(code: 8, name: "not-found", meaning: "a named file, object, run or model does not exist"),
        ExitStatus(code: 9, name: "conflict", meaning: "refused: local changes would be lost"),
        ExitStatus(code: 10, name: "invalid-state", meaning: "the repository needs attention (format, schema)"),
        ExitStatus(code: 11, name: "remote-denied", meaning: "a remote refused the credentials or denied access"),
        ExitStatus(code: 12, name: "not-reproduced", meaning: "`reproduce` rebuilt something that differs"),
        ExitStatus(code: 64, name: "usage", meaning: "invalid command-line usage"),
        ExitStatus(code: 65, name: "invalid-input", meaning: "an input file or value is malformed"),
    ]

    /// The exit code for an error code.
    public static func code(for errorCode: MLOpsError.Code) -> Int32 {
        switch errorCode {
        case .failure: 1
        case .changesFound: 2
        case .gateFailed: 3
        case .driftDetected: 4
        case .notARepository: 5
        case .locked: 6
        case .integrity: 7
        case .notFound: 8
        case .conflict: 9
        case .invalidState: 10
        case .remoteDenied: 11
        case .notReproduced: 12
        case .usage: 64
        case .invalidInput: 65
        }
    }

    /// The table as aligned text, for `mlops help exit-codes` and the man page.
    static var renderedTable: String {
        var rows = TextTable()
        for status in ExitStatus.table { rows.append(["\(status.code)", status.name, status.meaning]) }
        return rows.rendered(style: TextStyle(enabled: false))
    }
}
