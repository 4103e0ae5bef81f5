/// A step of a long operation, reported to whoever renders progress (the CLI draws a bar on a terminal).
public struct ProgressUpdate: Sendable {
    /// What is being counted.
    public enum Unit: Sendable { case bytes, files, trials, rounds }

    /// A short verb for the phase: "hashing", "checking out", "verifying".
    public var phase: String
    /// Units done so far.
    public var completed: Int64
    /// Units in all, when known.
    public var total: Int64?
    /// What the numbers count.
    public var unit: Unit

    public init(phase: String, completed: Int64, total: Int64?, unit: Unit) {
        self.phase = phase
        self.completed = completed
        self.total = total
        self.unit = unit
    }
}

/// Receives progress; called from worker threads, so it must be cheap and thread-safe.
public typealias ProgressHandler = @Sendable (ProgressUpdate) -> Void
