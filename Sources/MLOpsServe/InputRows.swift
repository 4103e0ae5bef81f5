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

/// Fills ``InputRows`` from decoded JSON or binary values, checking each against the input it is for. Positions
/// are those of the model's inputs (``ServedModel/inputs``): a feature, or a datetime column whose calendar
/// features the encoder computes.
struct RowEncoder {
    let model: ServedModel
    private var rows: InputRows
    private var provided: [Bool]
    private let width: Int

    init(model: ServedModel, rowCount: Int, maximumRows: Int) throws(RequestError) {
        guard rowCount > 0 else { throw .badRequest("the request holds no rows") }
        guard rowCount <= maximumRows else {
            throw RequestError(
                .contentTooLarge,
                "the request holds \(rowCount) rows; this server accepts at most \(maximumRows) per request (--max-batch)"
            )
        }
        width = model.compiled.rowWidth
        // The rows are allocated before the values are read: bound them by what they would cost, not only by count.
        guard rowCount <= Self.maximumValues / max(width, 1) else {
            throw RequestError(
                .contentTooLarge,
                "the request holds \(rowCount) rows of \(width) features; at most \(Self.maximumValues) values fit one request"
            )
        }
        self.model = model
        rows = InputRows(rowCount: rowCount, values: Array(repeating: .nan, count: rowCount * width))
        provided = Array(repeating: false, count: model.inputs.count)
    }

    /// The most values (rows × features) one request may hold: 64 MiB of encoded rows.
    static let maximumValues = 8 << 20

    /// The position of input `name`, or nil when the model does not read it.
    func position(of name: String) -> Int? { model.inputPositions[name] }

    /// Whether the input at `position` is given as text: a categorical feature or a datetime column.
    func takesText(_ position: Int) -> Bool {
        model.inputs[position].feature.map { model.levelCodes[$0] != nil } ?? true
    }

    /// Marks the input at `position` as given (so ``finish()`` does not report it missing).
    mutating func markProvided(_ position: Int) { provided[position] = true }

    /// Whether a value for the input at `position` was given already.
    func isProvided(_ position: Int) -> Bool { provided[position] }

    /// Sets one value from JSON.
    mutating func set(_ value: FeatureValue, row: Int, position: Int) throws(RequestError) {
        switch value {
        case .missing: return
        case .number(let number): try setNumber(number, row: row, position: position)
        case .text(let text): try setText(text, row: row, position: position)
        }
    }

    /// Sets one numeric value (binary tensors, numbers from JSON).
    mutating func setNumber(_ number: Double, row: Int, position: Int) throws(RequestError) {
        guard let feature = model.inputs[position].feature else {
            // A datetime given as a number is read as its text, as a data file's would be (20140131 for %Y%m%d);
            // NaN is a missing value, as for any input.
            if !number.isNaN { try setText(NumberText.format(number), row: row, position: position) }
            return
        }
        let index = row * width + feature
        if let codes = model.levelCodes[feature] {
            setLabel(NumberText.format(number), codes: codes, index: index)
        } else {
            rows.values[index] = number
        }
    }

    /// Sets one text value (strings from JSON, `BYTES` tensors).
    mutating func setText(_ text: String, row: Int, position: Int) throws(RequestError) {
        let input = model.inputs[position]
        guard let feature = input.feature else {
            let start = row * width
            guard let calendar = input.calendar, calendar.fill(text, { rows.values[start + $0] = $1 }) else {
                let format = input.calendar?.reader.describedFormat ?? "a date and time"
                throw .badRequest("input '\(input.name)' needs \(format), not \"\(text.prefix(40))\"")
            }
            return
        }
        guard let codes = model.levelCodes[feature] else {
            throw .badRequest(
                "feature '\(input.name)' is numeric, but the request gives it the text \"\(text.prefix(40))\"")
        }
        setLabel(text, codes: codes, index: row * width + feature)
    }

    private mutating func setLabel(_ label: String, codes: [String: Int], index: Int) {
        if let code = codes[label] {
            rows.values[index] = Double(code)
        } else {
            rows.unknownLabels[index] = label
        }
    }

    /// The encoded rows, once every input was given.
    func finish() throws(RequestError) -> InputRows {
        if let missing = provided.firstIndex(of: false) {
            let names = model.inputs.map(\.name)
            throw .badRequest(
                "the request lacks feature '\(names[missing])'; the model reads: \(names.joined(separator: ", "))")
        }
        return rows
    }
}
