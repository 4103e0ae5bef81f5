import Foundation
import MLOpsCore
import MLOpsLearn
import MLOpsMonitor
import Prometheus
import Synchronization

/// Drift of what the server answers, for Prometheus: each served version keeps a sliding window of the last
/// rows it was sent (a ring of encoded values, appended under a lock on the request path) and a background
/// loop compares each window with the version's reference profile every interval, setting
/// `mlops_feature_drift{model,version,feature,statistic}` and `mlops_dataset_drift_share{model,version}`.
/// Versions without a profile are not watched.
final class LiveDrift: Sendable {
    /// The rows of one version's window.
    private struct Window: Sendable {
        let model: ServedModel
        let reference: DataProfile
        /// The rows it keeps.
        let capacity: Int
        /// Row-major encoded values, `capacity` rows; NaN for missing, `unseen` for labels the model never saw.
        var values: [Double]
        /// One per row: the prediction (regression) or the best class's index.
        var predictions: [Double]
        var next = 0
        var count = 0
    }

    /// The code of a category the model never saw, kept so chi-square and Jensen–Shannon see new categories.
    private static let unseen = -2.0
    /// The most values one window holds (64 MiB): a model of many features keeps fewer rows.
    static let maximumValues = 8 << 20

    private let source: any ModelSource
    private let registry: PrometheusCollectorRegistry
    private let capacity: Int
    private let rules: DriftRules
    private let windows = Mutex<[String: Window]>([:])
    /// Versions whose profile has been looked up (with or without success), so it is read once.
    private let prepared = Mutex<Set<String>>([])
    private let gauges = Mutex<[[String]: Gauge]>([:])

    init(source: any ModelSource, registry: PrometheusCollectorRegistry, capacity: Int) throws {
        self.source = source
        self.registry = registry
        self.capacity = capacity
        rules = try source.driftRules()
    }

    /// Appends a request's rows to its version's window. Cheap: a lock held for a copy of the rows.
    func observe(_ model: ServedModel, rows: InputRows, predictions: [Double]) {
        let width = model.compiled.rowWidth
        let classes = model.compiled.predictionWidth
        windows.withLock { windows in
            guard var window = windows[model.revisionKey] else { return }
            windows[model.revisionKey] = nil  // unique while it is changed, so the arrays are not copied
            let capacity = window.capacity
            for row in 0..<rows.rowCount {
                let slot = window.next
                for position in 0..<width {
                    let index = row * width + position
                    window.values[slot * width + position] =
                        rows.unknownLabels[index] != nil ? Self.unseen : rows.values[index]
                }
                window.predictions[slot] =
                    classes == 1
                    ? predictions[row]
                    : Double(PredictionRendering.bestClass(predictions, row: row, width: classes))
                window.next = (slot + 1) % capacity
                window.count = min(window.count + 1, capacity)
            }
            windows[model.revisionKey] = window
        }
    }

    /// Starts watching `model` when it has a reference profile (read off the request path, once per version; a
    /// lookup that failed, such as a profile not fetched yet, is tried again next time).
    func prepare(_ model: ServedModel) {
        guard !prepared.withLock({ $0.contains(model.revisionKey) }) else { return }
        let lookup: DataProfile?
        do {
            lookup = try source.referenceProfile(of: model)
        } catch {
            return
        }
        prepared.withLock { _ = $0.insert(model.revisionKey) }
        guard let reference = lookup else { return }
        let width = max(model.compiled.rowWidth, 1)
        let rows = max(1, min(capacity, Self.maximumValues / width))
        let window = Window(
            model: model, reference: reference, capacity: rows,
            values: Array(repeating: .nan, count: rows * width), predictions: Array(repeating: .nan, count: rows))
        windows.withLock { $0[model.revisionKey] = window }
    }

    /// Drops the windows of models no longer served (a version swapped out, a bundle replaced), so a server
    /// that runs for months keeps windows for what it serves, not for everything it ever served.
    func keepOnly(_ served: [ServedModel]) {
        let keys = Set(served.map(\.revisionKey))
        windows.withLock { windows in windows = windows.filter { keys.contains($0.key) } }
        prepared.withLock { prepared in prepared.formIntersection(keys) }
        // A version swapped out no longer drifts: its gauges go, so an alert on them ends.
        let versions = Set(served.map { [$0.name, String($0.version)] })
        let stale = gauges.withLock { gauges in
            let stale = gauges.filter { key, _ in !versions.contains(Array(key.dropFirst().prefix(2))) }
            for key in stale.keys { gauges[key] = nil }
            return Array(stale.values)
        }
        stale.forEach(registry.unregisterGauge)
    }

    /// Recomputes every window's drift and sets the gauges.
    func update() {
        // The rows are copied out under the lock: a snapshot that shared the rings would make the next request
        // copy a whole ring while it holds the lock.
        let snapshot: [Window] = windows.withLock { windows in
            windows.values.filter { $0.count > 0 }.map { window in
                var copy = Window(
                    model: window.model, reference: window.reference, capacity: window.capacity,
                    values: window.values.withUnsafeBufferPointer { Array($0) },
                    predictions: window.predictions.withUnsafeBufferPointer { Array($0) })
                copy.next = window.next
                copy.count = window.count
                return copy
            }
        }
        for window in snapshot {
            guard let report = try? drift(of: window) else { continue }
            let model = window.model
            set("dataset_drift_share", [("model", model.name), ("version", String(model.version))], report.driftShare)
            for column in report.features + [report.prediction].compactMap({ $0 }) {
                for (statistic, value) in column.statistics {
                    set(
                        "feature_drift",
                        [
                            ("model", model.name), ("version", String(model.version)), ("feature", column.column),
                            ("statistic", statistic),
                        ], value)
                }
            }
        }
    }

    private func drift(of window: Window) throws -> DriftReport {
        let model = window.model
        let width = model.compiled.rowWidth
        let capacity = window.capacity
        let rows = (0..<window.count).map { ($0 + window.next - window.count + capacity) % capacity }
        var columns: [Column] = []
        for (position, feature) in model.signature.features.enumerated() {
            let values = rows.map { window.values[$0 * width + position] }
            if let levels = feature.levels {
                columns.append(
                    Column(
                        name: feature.name,
                        labels: values.map { code in
                            code == Self.unseen ? "(unseen)" : code.isNaN ? nil : levels[Int(code)]
                        }))
            } else {
                columns.append(Column(name: feature.name, numeric: values))
            }
        }
        let predictions = rows.map { window.predictions[$0] }
        let predictionColumn =
            model.signature.classes.map { classes in
                Column(name: "prediction", labels: predictions.map { classes[Int($0)] })
            } ?? Column(name: "prediction", numeric: predictions)
        let roles = Dictionary(uniqueKeysWithValues: model.signature.features.map { ($0.name, ColumnRole.feature) })
        return try DriftAnalysis.compare(
            reference: DriftSide(profile: window.reference, description: "profile"),
            current: DriftSide(
                table: try Table(columns: columns), roles: roles, predictions: predictionColumn,
                description: "last \(window.count) rows"),
            features: model.signature.features.map(\.name), target: nil, model: model.reference, rules: rules)
    }

    private func set(_ name: String, _ labels: [(String, String)], _ value: Double) {
        let key = [name] + labels.map(\.1)
        let gauge = gauges.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let help =
                name == "feature_drift"
                ? "Drift of each feature over the last rows served, by statistic (p-values and distances)."
                : "Share of a version's features that drifted over the last rows served."
            let gauge = registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "mlops", metricName: name, unitName: "", helpText: help),
                labels: labels)
            gauges[key] = gauge
            return gauge
        }
        gauge.set(value)
    }
}
