import Foundation
import MLOpsCore

/// What `monitor report` wrote.
public struct WrittenReport: Codable, Sendable {
    public var output: String
    public var bytes: Int
    public var drifted: Bool
    public var driftedFeatures: Int
    public var features: Int
}

extension Repository {
    /// Measures drift as ``measureDrift(_:workingDirectory:)`` does and writes the report a person opens: one
    /// self-contained HTML file (``DriftReportPage``), with the version's past checks when it has any.
    public func writeDriftReport(
        _ options: DriftOptions, to output: String, workingDirectory: String, generated: Date
    ) throws -> WrittenReport {
        let path = WorkspacePath.absolute(output, relativeTo: workingDirectory)
        let inputs = [options.reference, options.current].compactMap { $0 }
            .map { WorkspacePath.absolute($0, relativeTo: workingDirectory) }
        let report = try measureDrift(options, workingDirectory: workingDirectory)
        let history = try options.model.map { try monitorHistory(of: $0) } ?? []
        let page = Array(DriftReportPage.render(report, history: history, generated: generated).utf8)
        try writeOutputFile(page, to: path, given: output, inputs: inputs)
        return WrittenReport(
            output: path, bytes: page.count, drifted: report.drifted, driftedFeatures: report.driftedFeatures,
            features: report.features.count)
    }
}
