import MLOpsErrors

/// Reads a data file by its extension: `.jsonl`/`.ndjson` as JSON Lines, anything else as CSV.
public enum TableFile {
    /// Reads the table at `path`; `categorical` names CSV columns to read as categories even when numeric.
    public static func read(path: String, categorical: Set<String> = []) throws(MLOpsError) -> Table {
        try readLocated(path: path, categorical: categorical).table
    }

    /// Whether `path` names a JSON Lines file (`.jsonl`, `.ndjson`); anything else is read as CSV.
    public static func isJSONLines(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson")
    }

    /// Reads the table at `path` with the line each row starts on.
    public static func readLocated(
        path: String, categorical: Set<String> = []
    ) throws(MLOpsError) -> (table: Table, lines: RecordLines) {
        if isJSONLines(path) { return try JSONLinesReader().readLocated(path: path) }
        return try CSVReader(categoricalColumns: categorical).readLocated(path: path)
    }
}
