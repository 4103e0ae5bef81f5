import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn
import MLOpsParallel

/// What one model version answered in a window of the serving log, as columns: the features it was sent, its
/// predictions and, where feedback came back, the labels.
public struct ServedWindow: Sendable {
    public var since: Date
    public var until: Date
    /// Requests read, and the rows they held.
    public var requests: Int
    public var rows: Int
    /// Requests whose logged JSON could not be read (left out).
    public var skipped: Int
    /// Rows with a label.
    public var labelledRows: Int
    /// The features, in the signature's order.
    public var features: Table
    public var predictions: Column
    /// The labels as a column named for the target; missing where none came back.
    public var labels: Column
    /// Each request's latency in seconds, in log order.
    public var latencies: [Double]

    /// The task's metrics of `model` on `rows` of the window (labelled ones): the logged features scored against the
    /// labels that came back, as `mlops eval` would score them.
    public func metrics(of model: Model, rows: [Int]) throws -> [String: Double] {
        var table = features.rows(rows)
        try table.setColumn(labels.rows(rows))
        return try Evaluation.metrics(of: try CompiledModel(model), on: table)
    }

    /// Reads the window `since..<until` of what `model`'s `version` answered. The log is read in batches, each
    /// parsed on every core.
    public static func read(
        from log: ServingLog, model: String, version: Int, signature: Signature, since: Date, until: Date
    ) throws -> ServedWindow {
        // Each batch's parts are added to the whole as soon as they are parsed, so no more than one batch is
        // held twice.
        var all = Part(ArraySlice<LoggedRequest>(), signature: signature)
        try log.forEachRequest(model: model, version: version, since: since, until: until) { batch in
            let halves = ParallelWork.width
            let size = (batch.count + halves - 1) / halves
            for part in try ParallelWork.map(
                halves,
                { index in
                    let slice = batch[min(batch.count, index * size)..<min(batch.count, (index + 1) * size)]
                    return Part(slice, signature: signature)
                })
            {
                all.append(part)
            }
        }
        var columns: [Column] = []
        for (position, feature) in signature.features.enumerated() {
            columns.append(
                feature.kind == .numeric
                    ? Column(name: feature.name, numeric: all.numbers[position])
                    : Column(name: feature.name, labels: all.labels[position]))
        }
        let regression = signature.task == .regression
        return ServedWindow(
            since: since, until: until, requests: all.requests, rows: all.rows, skipped: all.skipped,
            labelledRows: all.labelled, features: try Table(columns: columns),
            predictions: regression
                ? Column(name: "prediction", numeric: all.predictedNumbers)
                : Column(name: "prediction", labels: all.predictedLabels),
            labels: regression
                ? Column(name: signature.target, numeric: all.truthNumbers)
                : Column(name: signature.target, labels: all.truthLabels),
            latencies: all.latencies)
    }

    /// The requests of one slice of a batch, parsed.
    private struct Part: Sendable {
        var requests = 0
        var rows = 0
        var skipped = 0
        var labelled = 0
        var numbers: [[Double]]
        var labels: [[String?]]
        var predictedNumbers: [Double] = []
        var predictedLabels: [String?] = []
        var truthNumbers: [Double] = []
        var truthLabels: [String?] = []
        var latencies: [Double] = []

        init(_ requests: ArraySlice<LoggedRequest>, signature: Signature) {
            let positions = Dictionary(
                signature.features.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
            let numeric = signature.features.map { $0.kind == .numeric }
            let names = signature.features.map { Array($0.name.utf8) }
            let width = signature.features.count
            numbers = Array(repeating: [], count: width)
            labels = Array(repeating: [], count: width)
            let regression = signature.task == .regression
            var seen = [Int](repeating: 0, count: width)
            var numberStarts = [Int](repeating: 0, count: width)
            var labelStarts = [Int](repeating: 0, count: width)
            for request in requests {
                let rows = request.rowCount
                // Values go straight into the columns; a request that turns out malformed is rolled back.
                for position in 0..<width {
                    seen[position] = 0
                    numberStarts[position] = numbers[position].count
                    labelStarts[position] = labels[position].count
                }
                let outputStart = (predictedNumbers.count, predictedLabels.count)
                var inputs = request.inputs
                let parsed: Bool =
                    rows > 0
                    && inputs.withUTF8 { bytes in
                        var scanner = LoggedJSON(bytes)
                        guard scanner.take(0x7B) else { return false }
                        if scanner.take(0x7D) { return scanner.atEnd }
                        var key = 0
                        repeat {
                            let position: Int
                            if key < width, scanner.take(key: names[key]) {
                                position = key
                            } else if let name = scanner.string() {
                                position = positions[name] ?? -1
                            } else {
                                return false
                            }
                            key += 1
                            guard scanner.take(0x3A) else { return false }
                            guard position >= 0, seen[position] == 0 else {
                                // A column the model does not read, or one given twice, is skipped.
                                guard scanner.forEachValue({ _ in }) != nil else { return false }
                                continue
                            }
                            let count: Int? =
                                numeric[position]
                                ? scanner.forEachValue { numbers[position].append(Self.number($0)) }
                                : scanner.forEachValue { labels[position].append(Self.label($0)) }
                            guard count == rows else { return false }
                            seen[position] = rows
                        } while scanner.take(0x2C)
                        return scanner.take(0x7D) && scanner.atEnd
                    }
                let outputs = parsed ? Self.values(request.outputs) : nil
                guard parsed, let outputs, outputs.count == rows else {
                    for position in 0..<width {
                        numbers[position].removeSubrange(numberStarts[position]...)
                        labels[position].removeSubrange(labelStarts[position]...)
                    }
                    predictedNumbers.removeSubrange(outputStart.0...)
                    predictedLabels.removeSubrange(outputStart.1...)
                    skipped += 1
                    continue
                }
                for position in 0..<width where seen[position] == 0 {
                    // A feature the log does not hold for this request is missing in its rows.
                    if numeric[position] {
                        numbers[position].append(contentsOf: repeatElement(.nan, count: rows))
                    } else {
                        labels[position].append(contentsOf: repeatElement(nil, count: rows))
                    }
                }
                self.requests += 1
                self.rows += rows
                latencies.append(request.latencySeconds)
                var truth = [LoggedJSON.Value](repeating: .null, count: rows)
                if let text = request.label, let given = Self.values(text), given.count == rows { truth = given }
                labelled += truth.filter { if case .null = $0 { false } else { true } }.count
                if regression {
                    predictedNumbers.append(contentsOf: outputs.map(Self.number))
                    truthNumbers.append(contentsOf: truth.map(Self.number))
                } else {
                    predictedLabels.append(contentsOf: outputs.map(Self.label))
                    truthLabels.append(contentsOf: truth.map(Self.label))
                }
            }
        }

        /// Adds `other`'s requests after this part's.
        mutating func append(_ other: Part) {
            requests += other.requests
            rows += other.rows
            skipped += other.skipped
            labelled += other.labelled
            for position in numbers.indices {
                numbers[position].append(contentsOf: other.numbers[position])
                labels[position].append(contentsOf: other.labels[position])
            }
            predictedNumbers.append(contentsOf: other.predictedNumbers)
            predictedLabels.append(contentsOf: other.predictedLabels)
            truthNumbers.append(contentsOf: other.truthNumbers)
            truthLabels.append(contentsOf: other.truthLabels)
            latencies.append(contentsOf: other.latencies)
        }

        private static func number(_ value: LoggedJSON.Value) -> Double {
            if case .number(let number) = value { return number }
            return .nan
        }

        private static func label(_ value: LoggedJSON.Value) -> String? {
            switch value {
            case .text(let text): text
            case .number(let number): NumberText.format(number)
            case .null: nil
            }
        }

        private static func values(_ text: String) -> [LoggedJSON.Value]? {
            var text = text
            return text.withUTF8 { bytes in
                var scanner = LoggedJSON(bytes)
                guard let values = scanner.values(), scanner.atEnd else { return nil }
                return values
            }
        }
    }
}
