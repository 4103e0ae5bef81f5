import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn

/// What `mlops monitor drift` compares.
public struct DriftOptions: Sendable {
    /// A model reference (`mpg@production`); nil to compare two files.
    public var model: String?
    /// Reference data, overriding the model's stored profile (required without a model).
    public var reference: String?
    /// Current data as a file; nil to read the serving-log window.
    public var current: String?
    public var window: MonitorWindow?
    /// Without a model: the target column (reported as target drift, not a feature).
    public var target: String?
    /// Columns to read as categories.
    public var categorical: [String] = []

    public init(model: String?, reference: String? = nil, current: String? = nil, window: MonitorWindow? = nil) {
        self.model = model
        self.reference = reference
        self.current = current
        self.window = window
    }
}

extension Repository {
    /// Measures drift between a reference (the model version's stored profile, or `--reference` data) and
    /// current data (a file, or what the version answered in a serving-log window), with the tests and
    /// thresholds of `monitor.drift` in `.mlops/config.yaml`. Reads only; records nothing.
    ///
    /// Throws `notFound` for a model without a profile and no `--reference`, and for an empty window (never a
    /// "healthy" verdict on no data); `usage` when neither a model nor both files are given.
    public func measureDrift(_ options: DriftOptions, workingDirectory: String) throws -> DriftReport {
        let rules = try DriftRules(config.monitor?.drift)
        guard let reference = options.model else {
            return try measureFileDrift(options, rules: rules, workingDirectory: workingDirectory)
        }
        let resolved = try resolveModel(reference)
        let signature = resolved.model.signature
        let compiled = try CompiledModel(resolved.model)
        let categorical = Set(signature.features.filter { $0.kind == .categorical }.map(\.name))
            .union(options.categorical).union(signature.task == .classification ? [signature.target] : [])
            .union(signature.datetimeNames)
        var roles = Dictionary(uniqueKeysWithValues: signature.features.map { ($0.name, ColumnRole.feature) })
        roles[signature.target] = .target

        func side(file: String) throws -> DriftSide {
            let path = WorkspacePath.absolute(file, relativeTo: workingDirectory)
            let read = try TableFile.read(path: path, categorical: categorical)
            // Calendar features are compared as the model computes them from the file's datetime columns; a file
            // without those columns is reported per feature, as one without any other feature is.
            let complete = (signature.datetimes ?? []).allSatisfy { read.columnNames.contains($0.name) }
            let table = complete ? try signature.calendarExpanded(read) : read
            // Predictions need every feature; a file that lacks one is reported per feature instead.
            let predictions = try? compiled.predict(table)
            let column = predictions?.column(named: "prediction")
            return DriftSide(table: table, roles: roles, predictions: column, description: file)
        }

        let referenceSide: DriftSide
        if let file = options.reference {
            referenceSide = try side(file: file)
        } else if let stored = try referenceProfile(of: resolved) {
            referenceSide = DriftSide(profile: stored.profile, description: stored.source)
        } else {
            throw MLOpsError(
                .notFound, "\(resolved.resolved) has no reference profile",
                hint: "models trained before mlops recorded profiles have none: give the training data with "
                    + "--reference, or train and register again")
        }

        let currentSide: DriftSide
        if let file = options.current {
            currentSide = try side(file: file)
        } else {
            guard let window = options.window else {
                throw MLOpsError(.usage, "say what to compare: --current FILE or --since DURATION")
            }
            guard let name = resolved.name, let version = resolved.version else {
                throw MLOpsError(
                    .usage, "the serving log is kept by registered version; \(reference) is not one",
                    hint: "name a version such as mpg@production, or give --current FILE")
            }
            let served = try ServedWindow.read(
                from: servingLog, model: name, version: version, signature: signature, since: window.since,
                until: window.until)
            guard served.rows > 0 else {
                throw MLOpsError(
                    .notFound, "\(name)@\(version) answered no requests in \(window.description)",
                    hint: served.skipped > 0
                        ? "\(served.skipped) logged requests could not be read"
                        : "widen --since, or check that `mlops serve` logs requests (--log-sample)")
            }
            var table = served.features
            var currentRoles = roles
            if served.labelledRows > 0 {
                try table.setColumn(served.labels)
            } else {
                currentRoles[signature.target] = nil
            }
            currentSide = DriftSide(
                table: table, roles: currentRoles, predictions: served.predictions,
                description: "serving log of \(name)@\(version), \(window.description)")
        }
        return try DriftAnalysis.compare(
            reference: referenceSide, current: currentSide, features: signature.features.map(\.name),
            target: signature.target, model: resolved.resolved, rules: rules)
    }

    /// Two files without a model: the columns both have, less the target.
    private func measureFileDrift(
        _ options: DriftOptions, rules: DriftRules, workingDirectory: String
    ) throws -> DriftReport {
        guard let referenceFile = options.reference, let currentFile = options.current else {
            throw MLOpsError(
                .usage, "without a model, give both --reference FILE and --current FILE",
                hint: "or name a model version, such as mpg@production, to use its stored profile")
        }
        let referencePath = WorkspacePath.absolute(referenceFile, relativeTo: workingDirectory)
        let currentPath = WorkspacePath.absolute(currentFile, relativeTo: workingDirectory)
        let reference = try TableFile.read(path: referencePath, categorical: Set(options.categorical))
        // Columns that are categories in the reference are read as categories in the current data too.
        let categorical = Set(reference.columns.filter { $0.kind == .categorical }.map(\.name))
        let current = try TableFile.read(path: currentPath, categorical: categorical.union(options.categorical))
        if let target = options.target, !reference.columnNames.contains(target) {
            throw MLOpsError(.notFound, "'\(referenceFile)' has no target column '\(target)'")
        }
        let features = reference.columnNames.filter { $0 != options.target }
        var roles = Dictionary(uniqueKeysWithValues: features.map { ($0, ColumnRole.feature) })
        if let target = options.target { roles[target] = .target }
        return try DriftAnalysis.compare(
            reference: DriftSide(table: reference, roles: roles, description: referenceFile),
            current: DriftSide(table: current, roles: roles, description: currentFile), features: features,
            target: options.target, model: nil, rules: rules)
    }
}
