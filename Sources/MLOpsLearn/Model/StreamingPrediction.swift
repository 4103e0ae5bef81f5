import MLOpsErrors

extension CompiledModel {
    /// Scores a CSV file in chunks of `chunkRows` rows without loading it: each field is parsed straight into
    /// the encoded row the model reads (numbers, level codes looked up in the signature, or a datetime's calendar
    /// features; NaN for missing values and unknown labels), each full chunk is predicted on all cores and handed
    /// to `consume` in file order. Memory stays at one chunk whatever the file's size.
    ///
    /// - Throws: what ``CSVReader`` throws for a malformed file; `notFound` when an input column is absent;
    ///   `invalidInput` when a numeric feature holds text or a datetime column something else; and whatever
    ///   `consume` throws.
    public func predictCSV(
        path: String, chunkRows: Int = 65_536, reader: CSVReader = CSVReader(),
        consume: (Predictions) throws(MLOpsError) -> Void
    ) throws(MLOpsError) {
        let width = rowWidth
        // For each file column, the input it feeds (or nil) and, for categorical features, the level codes.
        var targets: [Int?] = []
        var codes: [Int: [String: Double]] = [:]
        for (index, feature) in signature.features.enumerated() {
            if let levels = feature.levels {
                codes[index] = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Double($0)) })
            }
        }
        // A chunk holds at most ~64 MiB of encoded values, however wide the model.
        let chunkRows = max(1, min(chunkRows, (8 << 20) / max(width, 1)))
        var chunk: [Double] = []
        chunk.reserveCapacity(chunkRows * width)
        var row = [Double](repeating: .nan, count: width)
        var rowNumber = 1
        try reader.tokenize(path: path) { (_: Int, column: Int, field: UnsafeBufferPointer<UInt8>) throws(MLOpsError) in
            if column == 0 { rowNumber += 1 }
            if let input = targets[column], !reader.isMissing(field) {
                if let feature = inputs[input].feature {
                    if let levels = codes[feature] {
                        // Numbers written differently from the training text ("1.0" for "1") still find their level.
                        row[feature] =
                            levels[String(decoding: field, as: UTF8.self)]
                            ?? parseNumber(field).flatMap { levels[NumberText.format($0)] } ?? .nan
                    } else if let value = parseNumber(field) {
                        row[feature] = value
                    } else {
                        throw MLOpsError(
                            .invalidInput,
                            "'\(path)' line \(rowNumber): feature '\(signature.features[feature].name)' must be numeric, not '\(String(decoding: field, as: UTF8.self))'"
                        )
                    }
                } else if let calendar = inputs[input].calendar, !calendar.fill(field, { row[$0] = $1 }) {
                    throw MLOpsError(
                        .invalidInput,
                        "'\(path)' line \(rowNumber): the datetime column '\(inputs[input].name)' holds '\(String(decoding: field.prefix(40), as: UTF8.self))', which is not \(calendar.reader.describedFormat)"
                    )
                }
            }
            if column == targets.count - 1 {
                chunk += row
                for index in row.indices { row[index] = .nan }
                if chunk.count >= chunkRows * width {
                    try consume(predict(encodedRows: chunk))
                    chunk.removeAll(keepingCapacity: true)
                }
            }
        } header: { (names: [String]) throws(MLOpsError) in
            try reader.validate(header: names, path: path)
            let positions = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            if let input = inputs.first(where: { positions[$0.name] == nil }) {
                throw signature.missingColumn(input.name)
            }
            let inputIndex = Dictionary(uniqueKeysWithValues: inputs.enumerated().map { ($1.name, $0) })
            targets = names.map { inputIndex[$0] }
        }
        if !chunk.isEmpty { try consume(predict(encodedRows: chunk)) }
    }
}
