import Foundation

/// How the report prints numbers and dates: compact, locale-independent, and explicit about values that are not
/// finite (a test that divides by a zero spread yields infinity; a broken input can yield NaN).
enum ReportFormat {
    /// `value` to `significant` significant digits without trailing zeros (0.1234, 12.35, 1.235e+06).
    static func number(_ value: Double, significant: Int = 4) -> String {
        if let special = nonFinite(value) { return special }
        if value == 0 { return "0" }
        let digits = max(1, significant)
        let magnitude = abs(value)
        guard magnitude >= 1, magnitude < 1e6 else { return String(format: "%.\(digits)g", value) }
        // Between 1 and a million, whole digits are never traded for an exponent (1613, not 1.61e+03): axis
        // labels and weights read as plain numbers.
        let wholeDigits = Int(log10(magnitude).rounded(.down)) + 1
        var text = String(format: "%.\(max(0, digits - wholeDigits))f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A p-value: three significant digits, or scientific notation with two once it is below 0.001 (3.2e-05),
    /// where the exponent is what a reader compares.
    static func pValue(_ value: Double) -> String {
        if let special = nonFinite(value) { return special }
        if value > 0 && value < 0.001 { return String(format: "%.1e", value) }
        return number(value, significant: 3)
    }

    /// A test's score: a p-value or a distance; "—" when it was not computed.
    static func score(_ value: Double?, test: DriftTest) -> String {
        guard let value else { return "—" }
        return test.scoreIsPValue ? pValue(value) : number(value)
    }

    /// A share as a percentage: whole when it is one (40%), else to one decimal (37.5%); a share too small to
    /// show is "<0.1%", never a misleading "0%".
    static func percent(_ share: Double) -> String {
        if let special = nonFinite(share) { return special }
        if share > 0 && share < 0.0005 { return "<0.1%" }
        let tenths = (share * 1000).rounded()
        if tenths.truncatingRemainder(dividingBy: 10) == 0, abs(tenths) < 1e15 { return "\(Int(tenths / 10))%" }
        return String(format: "%.1f%%", tenths / 10)
    }

    /// A count with thousands separated by commas (12,345), whatever the machine's locale.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "−" + grouped : grouped
    }

    /// A moment in UTC to the minute (2026-12-05 13:00 UTC): the same on every machine that renders the report.
    static func dateTime(_ date: Date) -> String {
        let parts = utcParts(date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d UTC", parts.year, parts.month, parts.day, parts.hour, parts.minute)
    }

    /// A day in UTC (2026-12-05), for chart axes.
    static func day(_ date: Date) -> String {
        let parts = utcParts(date)
        return String(format: "%04d-%02d-%02d", parts.year, parts.month, parts.day)
    }

    private static func utcParts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    private static func nonFinite(_ value: Double) -> String? {
        if value.isNaN { return "—" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        return nil
    }
}
