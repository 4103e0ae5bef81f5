import Foundation
import MLOpsCore
import Synchronization

/// A one-line progress display on standard error, drawn only for a person at a terminal (never with `--json`,
/// `--quiet` or when stderr is piped), at most ten times a second.
final class ProgressBar: Sendable {
    private struct State {
        var lastDraw: UInt64 = 0
        var drawn = false
    }

    private let output: any TextOutput
    private let state = Mutex(State())

    /// A bar for `command`'s invocation, or nil when no bar should be drawn.
    static func make(_ context: CommandContext, _ options: GlobalOptions) -> ProgressBar? {
        guard context.standardError.isTerminal, !options.json, !options.quiet else { return nil }
        return ProgressBar(output: context.standardError)
    }

    private init(output: any TextOutput) { self.output = output }

    /// The handler to pass to library functions.
    var handler: ProgressHandler { { [self] update in self.draw(update) } }

    private func draw(_ update: ProgressUpdate) {
        let now = DispatchTime.now().uptimeNanoseconds
        let line: String? = state.withLock { state in
            guard now - state.lastDraw > 100_000_000 else { return nil }
            state.lastDraw = now
            state.drawn = true
            return Self.describe(update)
        }
        if let line { output.write("\r\u{1B}[2K" + line) }
    }

    /// Clears the line; call when the operation ends.
    func finish() {
        if state.withLock({ $0.drawn }) { output.write("\r\u{1B}[2K") }
    }

    private static func describe(_ update: ProgressUpdate) -> String {
        func amount(_ count: Int64) -> String {
            switch update.unit {
            case .bytes: return ByteCount.format(count)
            case .files: return "\(count) files"
            case .trials: return "\(count) trials"
            case .rounds: return "\(count) rounds"
            }
        }
        guard let total = update.total, total > 0 else { return "\(update.phase) \(amount(update.completed))" }
        let fraction = min(1, Double(update.completed) / Double(total))
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "\(update.phase) \(bar) \(Int(fraction * 100))% \(amount(update.completed)) / \(amount(total))"
    }
}

/// Human-readable byte counts in binary units.
enum ByteCount {
    static func format(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
    }
}

extension ContextCommand {
    /// Runs `body` with a progress handler that draws on the terminal when appropriate.
    func withProgress<T>(_ context: CommandContext, _ body: (ProgressHandler?) throws -> T) rethrows -> T {
        let bar = ProgressBar.make(context, globals)
        defer { bar?.finish() }
        return try body(bar?.handler)
    }
}

extension ContextCommand {
    /// Runs async `body` with a progress handler that draws on the terminal when appropriate.
    func withProgress<T>(_ context: CommandContext, _ body: (ProgressHandler?) async throws -> T) async rethrows -> T {
        let bar = ProgressBar.make(context, globals)
        defer { bar?.finish() }
        return try await body(bar?.handler)
    }
}
