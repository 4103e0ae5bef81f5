/// The one error type every mlops layer throws.
///
/// Callers and tests branch on ``code``, never on the text. ``message`` says what went wrong in words a user
/// understands, naming the file, model or value at fault; ``hint`` names the fix when there is one; ``cause``
/// carries the underlying system or library error, if any, for diagnosis.
public struct MLOpsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Each code maps to one documented exit status of the `mlops` tool.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// An unexpected failure: an I/O error, a bug, a resource that ran out.
        case failure
        /// The command line was malformed: an unknown option, a missing argument, a value out of range.
        case usage
        /// A file or value the user supplied is malformed (bad YAML, a bad object id, a malformed CSV row).
        case invalidInput
        /// A named path, object, run or model does not exist.
        case notFound
        /// The working directory is not inside an mlops repository.
        case notARepository
        /// Another process holds the repository's write lock and did not release it in time.
        case locked
        /// The repository's state forbids the operation (an unknown format version, a newer database).
        case invalidState
        /// The operation would overwrite or lose the user's changes; nothing was changed.
        case conflict
        /// Stored bytes do not match their object id: corruption.
        case integrity
        /// `status --exit-code` found changes.
        case changesFound
        /// A quality gate failed.
        case gateFailed
        /// Monitoring found drift.
        case driftDetected
        /// A remote refused the credentials or denied access (S3 `InvalidAccessKeyId`, `SignatureDoesNotMatch`,
        /// `AccessDenied`).
        case remoteDenied
        /// `reproduce` rebuilt something that differs from what the run recorded.
        case notReproduced
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// How to fix it, when there is a known fix.
    public var hint: String?
    /// The underlying error's description, when this error wraps another.
    public var cause: String?

    /// Creates an error. `cause` is described in words (``ErrorDescription``) so the error stays `Sendable` and
    /// no message shows Swift or Foundation internals.
    public init(_ code: Code, _ message: String, hint: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.cause = cause.map(ErrorDescription.describe)
    }

    public var description: String {
        var text = message
        if let cause { text += " (\(cause))" }
        if let hint { text += "\nhint: \(hint)" }
        return text
    }
}

extension MLOpsError {
    /// Wraps a POSIX failure of `operation` on `path`, using the current `errno`.
    public static func system(_ operation: String, path: String, errno code: Int32) -> MLOpsError {
        let reason = String(cString: strerror(code))
        let errorCode: Code = (code == ENOENT) ? .notFound : .failure
        return MLOpsError(errorCode, "cannot \(operation) '\(path)': \(reason)")
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
