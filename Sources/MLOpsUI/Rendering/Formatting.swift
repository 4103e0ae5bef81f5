import Foundation

/// How the pages write numbers, times, durations and sizes: compact, and the same on every page.
enum Formatting {
    /// A metric or statistic: up to 5 significant digits, without a trailing `.0`; `—` for nil.
    static func number(_ value: Double?) -> String {
        guard let value else { return "—" }
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.5g", value)
    }

    /// A moment in UTC: `2026-12-06 19:35:12`.
    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "—" }
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// A duration: `0.42 s`, `12.3 s`, `4 m 05 s`, `2 h 03 m`; `—` for nil.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "—" }
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%d m %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d m", whole / 3600, whole % 3600 / 60)
    }

    /// A size in bytes: `812 B`, `4.2 KiB`, `1.5 GiB`; `—` for nil.
    static func bytes(_ count: Int64?) -> String {
        guard let count else { return "—" }
        if count < 1024 { return "\(count) B" }
        var value = Double(count)
        for unit in ["KiB", "MiB", "GiB", "TiB"] {
            value /= 1024
            if value < 1024 || unit == "TiB" { return String(format: value < 10 ? "%.1f " : "%.0f ", value) + unit }
        }
        return "\(count) B"
    }

    /// The first 12 characters of an object id (after its `sha256:`), run id or commit, which the pages show
    /// with the full value as a title.
    static func short(_ id: String) -> String {
        String((id.hasPrefix("sha256:") ? id.dropFirst(7) : id[...]).prefix(12))
    }

}
