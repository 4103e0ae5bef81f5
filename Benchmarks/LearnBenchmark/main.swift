// Times MLOpsLearn on a train/test split and prints one JSON line: fit, batch-predict and one-row-predict times
// (medians over --repeat runs) and test metrics. Driven by Benchmarks/learning.sh; not part of the product.
import Foundation
import MLOpsErrors
import MLOpsLearn

struct Options {
    var train = ""
    var test = ""
    var target = ""
    var learner = Learner.gbdt
    var parameters: [String: String] = [:]
    var categorical: Set<String> = []
    var repeats = 5
    var threads: Int?
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let flag = arguments.next() {
        let value = arguments.next() ?? ""
        switch flag {
        case "--train": options.train = value
        case "--test": options.test = value
        case "--target": options.target = value
        case "--learner": options.learner = Learner(rawValue: value) ?? .gbdt
        case "--param":
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { options.parameters[parts[0]] = parts[1] }
        case "--categorical": options.categorical.insert(value)
        case "--repeat": options.repeats = Int(value) ?? 5
        case "--threads": options.threads = Int(value)
        default:
            FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
            exit(64)
        }
    }
    return options
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// `--onnx MODEL --test DATA [--threads N] [--repeat N]`: the ONNX evaluator's batch prediction on every row
/// of DATA (already read and encoded, as ONNX Runtime's session.run gets arrays), median seconds.
func benchmarkONNX(_ path: String, _ options: Options) throws {
    let model = try Model.decode(try Data(contentsOf: URL(fileURLWithPath: path)), source: path)
    guard let onnx = model.onnx else { throw MLOpsError(.usage, "\(path) is not an ONNX model") }
    let compiled = try CompiledModel(model)
    let table = try TableFile.read(path: options.test)
    let encoded = try compiled.encode(table)
    var times: [Double] = []
    for _ in 0..<options.repeats {
        times.append(try seconds { _ = try onnx.predict(encodedRows: encoded, threads: options.threads ?? 1) })
    }
    // One row at a time, as a server predicts a one-row request.
    let width = compiled.rowWidth
    let single = min(table.rowCount, 2000)
    let oneRow = try seconds {
        for row in 0..<single {
            _ = try compiled.predict(encodedRows: Array(encoded[(row * width)..<((row + 1) * width)]))
        }
    }
    print(
        #"{"rows": \#(table.rowCount), "predict_seconds": \#(median(times)), "one_row_microseconds": \#(oneRow / Double(single) * 1e6)}"#
    )
}

do {
    if let index = CommandLine.arguments.firstIndex(of: "--onnx"), index + 1 < CommandLine.arguments.count {
        var arguments = CommandLine.arguments
        let path = arguments[index + 1]
        arguments.removeSubrange(index...(index + 1))
        var options = Options()
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--test": options.test = value
            case "--threads": options.threads = Int(value)
            case "--repeat": options.repeats = Int(value) ?? 5
            default: break
            }
        }
        try benchmarkONNX(path, options)
        exit(0)
    }
    let options = parseOptions()
    let reader = CSVReader(categoricalColumns: options.categorical)
    let train = try reader.read(path: options.train)
    let test = try reader.read(path: options.test)
    var model: Model?
    var fitTimes: [Double] = []
    for _ in 0..<options.repeats {
        fitTimes.append(
            try seconds {
                model = try Training.train(
                    TrainingRequest(
                        table: train, target: options.target, learner: options.learner, parameters: options.parameters,
                        threads: options.threads))
            })
    }
    guard let model else { exit(1) }
    let compiled = try CompiledModel(model)
    let encoded = try compiled.encode(test)
    var predictions: Predictions?
    var predictTimes: [Double] = []
    for _ in 0..<options.repeats {
        predictTimes.append(try seconds { predictions = try compiled.predict(encodedRows: encoded) })
    }
    guard let predictions else { exit(1) }
    // One row at a time, as a server answers: encoded row in, scores and link out.
    let width = compiled.rowWidth
    var scores = [Double](repeating: 0, count: compiled.outputCount)
    var output = [Double](repeating: 0, count: compiled.predictionWidth)
    let singleRows = min(test.rowCount, 2000)
    let singleTime = encoded.withUnsafeBufferPointer { rows in
        seconds {
            for row in 0..<singleRows {
                scores.withUnsafeMutableBufferPointer { scores in
                    compiled.scores(
                        row: UnsafeBufferPointer(rebasing: rows[(row * width)..<((row + 1) * width)]), into: scores)
                    output.withUnsafeMutableBufferPointer {
                        compiled.transform(scores: UnsafeBufferPointer(scores), into: $0)
                    }
                }
            }
        }
    }
    var result: [String: Any] = [
        "fit_seconds": median(fitTimes), "predict_seconds": median(predictTimes),
        "one_row_microseconds": singleTime / Double(singleRows) * 1e6,
        "trees": model.trees?.trees.count ?? 0, "model_bytes": model.encoded().count,
    ]
    let truth = try test.column(named: options.target)
    if let classes = model.signature.classes {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let codes = (0..<truth.count).map { index[truth.text(at: $0) ?? ""] ?? 0 }
        let metrics = ClassificationMetrics(truth: codes, probabilities: predictions.values, classCount: classes.count)
        for (name, value) in metrics.named { result[name] = value }
    } else {
        let metrics = RegressionMetrics(truth: truth.numericValues ?? [], predictions: predictions.values)
        for (name, value) in metrics.named { result[name] = value }
    }
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
