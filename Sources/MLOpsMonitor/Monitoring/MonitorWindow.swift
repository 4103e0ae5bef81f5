import Foundation
import MLOpsErrors

/// A window of the serving log: `--since 24h` (a duration back from now: `s`, `m`, `h`, `d`, `w`) or an ISO 8601
/// time (`2026-12-01`, `2026-12-01T08:00:00Z`), up to `--until` (the same forms; default now).
public struct MonitorWindow: Sendable, Equatable, Codable {
    public var since: Date
    public var until: Date

    public init(since: Date, until: Date) {
        self.since = since
        self.until = until
    }

    /// Parses `--since` and `--until` against `now`; refuses an empty or reversed window.
    public init(since: String, until: String?, now: Date) throws(MLOpsError) {
        self.since = try Self.time(since, option: "--since", now: now)
        self.until =
            try until.map { text throws(MLOpsError) in try Self.time(text, option: "--until", now: now) } ?? now
        guard self.since < self.until else {
            throw MLOpsError(
                .usage, "the window from \(since) to \(until ?? "now") is empty",
                hint: "--since must come before --until")
        }
    }

    /// The seconds of a duration such as `90s`, `30m`, `24h`, `7d`, `2w`; nil when the text is not one.
    public static func seconds(of text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()), amount.isFinite,
            amount > 0, amount * unit < 3.2e9
        else { return nil }
        return amount * unit
    }

    private static func time(_ text: String, option: String, now: Date) throws(MLOpsError) -> Date {
        if let seconds = seconds(of: text) { return now.addingTimeInterval(-seconds) }
        let full = ISO8601DateFormatter()
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = full.date(from: text) ?? day.date(from: text) { return date }
        throw MLOpsError(
            .usage, "\(option) '\(text)' is neither a duration nor a time",
            hint: "give a duration back from now (30m, 24h, 7d) or an ISO 8601 time (2026-12-01T08:00:00Z)")
    }

    /// `2026-12-05T13:00:00Z … 2026-12-06T13:00:00Z`.
    public var description: String {
        let format = ISO8601DateFormatter()
        return "\(format.string(from: since)) … \(format.string(from: until))"
    }
}
