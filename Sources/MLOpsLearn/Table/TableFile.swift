import MLOpsErrors

/// Reads a data file by its extension: `.jsonl`/`.ndjson` as JSON Lines, anything else as CSV.
public enum TableFile {
    /// Reads the table at `path`; `categorical` names CSV columns to read as categories even when numeric.
    public static func read(path: String, categorical: Set<String> = []) throws(MLOpsError) -> Table {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") {
            return try JSONLinesReader().read(path: path)
        }
        return try CSVReader(categoricalColumns: categorical).read(path: path)
    }
}
