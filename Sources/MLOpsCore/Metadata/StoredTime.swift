import Foundation

/// Times as the metadata database stores them: whole nanoseconds since the Unix epoch, in an `INTEGER` column.
enum StoredTime {
    static func nanoseconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1e9) }

    static func date(_ nanoseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(nanoseconds) / 1e9) }
}
