import Foundation

/// Times as the metadata database stores them: whole nanoseconds since the Unix epoch, in an `INTEGER` column.
enum StoredTime {
    /// Times beyond what 64-bit nanoseconds hold (about the years 1678–2262), such as `Date.distantFuture` as the
    /// open end of a window, are clamped rather than trapping.
    static func nanoseconds(_ date: Date) -> Int64 {
        let value = date.timeIntervalSince1970 * 1e9
        guard value.isFinite else { return value > 0 ? .max : .min }
        return value >= 9.2e18 ? .max : value <= -9.2e18 ? .min : Int64(value)
    }

    static func date(_ nanoseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(nanoseconds) / 1e9) }
}
