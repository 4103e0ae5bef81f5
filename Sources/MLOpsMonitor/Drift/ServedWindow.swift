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

    /// Reads the window `since..<until` of what `model`'s `version` answered. The log is read in batches, each
    /// parsed on every core.
    public static func read(
        from log: ServingLog, model: String, version: Int, signature: Signature, since: Date, until: Date
    ) throws -> ServedWindow {
        var parts: [Part] = []
        try log.forEachRequest(model: model, version: version, since: since, until: until) { batch in
            let halves = ParallelWork.width
            let size = (batch.count + halves - 1) / halves
            parts += try ParallelWork.map(halves) { index in
                let slice = batch[min(batch.count, index * size)..<min(batch.count, (index + 1) * size)]
                return Part(slice, signature: signature)
            }
        }
        var columns: [Column] = []
        for (position, feature) in signature.features.enumerated() {
            if feature.kind == .numeric {
                columns.append(Column(name: feature.name, numeric: parts.flatMap { $0.numbers[position] }))
            } else {
                columns.append(Column(name: feature.name, labels: parts.flatMap { $0.labels[position] }))
            }
        }
        let regression = signature.task == .regression
        return ServedWindow(
            since: since, until: until, requests: parts.reduce(0) { $0 + $1.requests },
            rows: parts.reduce(0) { $0 + $1.rows }, skipped: parts.reduce(0) { $0 + $1.skipped },
            labelledRows: parts.reduce(0) { $0 + $1.labelled },
            features: try Table(columns: columns),
            predictions: regression
                ? Column(name: "prediction", numeric: parts.flatMap(\.predictedNumbers))
                : Column(name: "prediction", labels: parts.flatMap(\.predictedLabels)),
            labels: regression
                ? Column(name: signature.target, numeric: parts.flatMap(\.truthNumbers))
                : Column(name: signature.target, labels: parts.flatMap(\.truthLabels)))
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

        init(_ requests: ArraySlice<LoggedRequest>, signature: Signature) {
            let positions = Dictionary(
                signature.features.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
            numbers = Array(repeating: [], count: signature.features.count)
            labels = Array(repeating: [], count: signature.features.count)
            let regression = signature.task == .regression
            for request in requests {
                guard let parsed = Self.parse(request, positions: positions, signature: signature) else {
                    skipped += 1
                    continue
                }
                self.requests += 1
                rows += parsed.rows
                for (position, feature) in signature.features.enumerated() {
                    let values = parsed.features[position] ?? Array(repeating: .null, count: parsed.rows)
                    if feature.kind == .numeric {
                        numbers[position].append(contentsOf: values.map(Self.number))
                    } else {
                        labels[position].append(contentsOf: values.map(Self.label))
                    }
                }
                let truth = parsed.labels ?? Array(repeating: .null, count: parsed.rows)
                labelled += truth.filter { if case .null = $0 { false } else { true } }.count
                if regression {
                    predictedNumbers.append(contentsOf: parsed.outputs.map(Self.number))
                    truthNumbers.append(contentsOf: truth.map(Self.number))
                } else {
                    predictedLabels.append(contentsOf: parsed.outputs.map(Self.label))
                    truthLabels.append(contentsOf: truth.map(Self.label))
                }
            }
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

        /// One request's features (by signature position; nil where the log lacks one), outputs and labels, each
        /// holding one value per row; nil when anything does not fit.
        private static func parse(
            _ request: LoggedRequest, positions: [String: Int], signature: Signature
        ) -> (rows: Int, features: [[LoggedJSON.Value]?], outputs: [LoggedJSON.Value], labels: [LoggedJSON.Value]?)? {
            let rows = request.rowCount
            guard rows > 0 else { return nil }
            var features = [[LoggedJSON.Value]?](repeating: nil, count: signature.features.count)
            var inputs = request.inputs
            let parsedInputs: Bool = inputs.withUTF8 { bytes in
                var scanner = LoggedJSON(bytes)
                guard scanner.take(0x7B) else { return false }
                if scanner.take(0x7D) { return scanner.atEnd }
                repeat {
                    guard let name = scanner.string(), scanner.take(0x3A), let values = scanner.values(),
                        values.count == rows
                    else { return false }
                    if let position = positions[name] { features[position] = values }
                } while scanner.take(0x2C)
                return scanner.take(0x7D) && scanner.atEnd
            }
            guard parsedInputs, let outputs = values(request.outputs), outputs.count == rows else { return nil }
            var labels: [LoggedJSON.Value]?
            if let text = request.label, let parsed = values(text), parsed.count == rows { labels = parsed }
            return (rows, features, outputs, labels)
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
