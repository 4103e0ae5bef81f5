import Foundation

/// Metric values for people: up to six significant digits.
enum MetricText {
    static func format(_ value: Double) -> String { String(format: "%.6g", value) }
}
