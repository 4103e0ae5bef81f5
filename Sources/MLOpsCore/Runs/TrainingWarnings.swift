import MLOpsLearn

/// What training data may hold that does not stop training but deserves a word before a model is trusted.
enum TrainingWarnings {
    /// A categorical feature with at least this many levels, and more levels than half its rows, is far more
    /// often an id or a timestamp the reader did not recognize than a category: as one, it cannot generalize to
    /// rows it has not seen, and it still costs the fit.
    static let manyLevels = 20

    /// The warnings for the categorical features of a model trained on `table`.
    static func check(_ table: Table, signature: Signature) -> [String] {
        signature.features.filter { $0.kind == .categorical }.map(\.name).compactMap { name in
            // The rows' distinct codes, not the levels: a split keeps the whole table's levels.
            guard let column = try? table.column(named: name), case .categorical(let codes, _) = column.storage
            else { return nil }
            let distinct = Set(codes.lazy.filter { $0 >= 0 }).count
            guard distinct >= manyLevels, distinct * 2 > table.rowCount else { return nil }
            return "feature '\(name)' has \(distinct) distinct labels in \(table.rowCount) rows: as a category it "
                + "cannot generalize (an id, or a date the reader did not recognize?); leave it out by listing the "
                + "--feature columns to use, or hold out by it with --split time:\(name) if it holds times"
        }
    }
}
