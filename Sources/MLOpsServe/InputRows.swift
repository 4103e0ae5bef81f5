import Foundation
import MLOpsLearn

/// Request values encoded as the model reads them: row-major, one `Double` per feature (the number, or the level
/// code of a categorical feature), NaN for missing values and unknown labels.
struct InputRows: Sendable {
    let rowCount: Int
    fileprivate(set) var values: [Double]
    /// Labels of categorical features the model never saw, by index into `values`, so the log keeps them.
    fileprivate(set) var unknownLabels: [Int: String] = [:]
}

/// Fills ``InputRows`` from decoded JSON or binary values, checking each against the feature it is for.
struct RowEncoder {
    let model: ServedModel
    private var rows: InputRows
    private var provided: [Bool]

    init(model: ServedModel, rowCount: Int, maximumRows: Int) throws(RequestError) {
        guard rowCount > 0 else { throw .badRequest("the request holds no rows") }
        guard rowCount <= maximumRows else {
            throw RequestError(
                .contentTooLarge,
                "the request holds \(rowCount) rows; this server accepts at most \(maximumRows) per request (--max-batch)"
            )
        }
        // The rows are allocated before the values are read: bound them by what they would cost, not only by count.
        guard rowCount <= Self.maximumValues / max(model.compiled.rowWidth, 1) else {
            throw RequestError(
                .contentTooLarge,
                "the request holds \(rowCount) rows of \(model.compiled.rowWidth) features; at most \(Self.maximumValues) values fit one request"
            )
        }
        self.model = model
        rows = InputRows(rowCount: rowCount, values: Array(repeating: .nan, count: rowCount * model.compiled.rowWidth))
        provided = Array(repeating: false, count: model.compiled.rowWidth)
    }

    /// The most values (rows × features) one request may hold: 64 MiB of encoded rows.
    static let maximumValues = 8 << 20

    /// The position of feature `name`, or nil when the model does not read it.
    func position(of name: String) -> Int? { model.featurePositions[name] }

    /// Marks the feature at `position` as given (so ``finish()`` does not report it missing).
    mutating func markProvided(_ position: Int) { provided[position] = true }

    /// Whether a value for the feature at `position` was given already.
    func isProvided(_ position: Int) -> Bool { provided[position] }

    /// Sets one value from JSON.
    mutating func set(_ value: FeatureValue, row: Int, position: Int) throws(RequestError) {
        let index = row * provided.count + position
        switch value {
        case .missing: return
        case .number(let number): setNumber(number, index: index, position: position)
        case .text(let text): try setText(text, index: index, position: position)
        }
    }

    /// Sets one numeric value (binary tensors, numbers from JSON).
    mutating func setNumber(_ number: Double, index: Int, position: Int) {
        if let codes = model.levelCodes[position] {
            setLabel(NumberText.format(number), codes: codes, index: index)
        } else {
            rows.values[index] = number
        }
    }

    /// Sets one text value (strings from JSON, `BYTES` tensors).
    mutating func setText(_ text: String, index: Int, position: Int) throws(RequestError) {
        guard let codes = model.levelCodes[position] else {
            let name = model.signature.features[position].name
            throw .badRequest("feature '\(name)' is numeric, but the request gives it the text \"\(text.prefix(40))\"")
        }
        setLabel(text, codes: codes, index: index)
    }

    private mutating func setLabel(_ label: String, codes: [String: Int], index: Int) {
        if let code = codes[label] {
            rows.values[index] = Double(code)
        } else {
            rows.unknownLabels[index] = label
        }
    }

    /// The encoded rows, once every feature was given.
    func finish() throws(RequestError) -> InputRows {
        if let missing = provided.firstIndex(of: false) {
            let features = model.signature.features.map(\.name)
            throw .badRequest(
                "the request lacks feature '\(features[missing])'; the model reads: \(features.joined(separator: ", "))"
            )
        }
        return rows
    }
}
