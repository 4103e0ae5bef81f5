import Foundation
import GRDB
import MLOpsErrors

/// One request a model server answered, as kept in `serving_log` for monitoring and live quality.
///
/// `inputs` is a JSON object of columns (`{"feature": [value per row]}`, `null` for missing values) and `outputs`
/// a JSON array with one prediction per row (a number for regression, the class label for classification).
public struct ServingLogRecord: Codable, Sendable, Equatable {
    /// The request's id: the client's (V2 `id`, `X-Request-ID`) or one the server made.
    public var requestID: String
    public var model: String
    public var version: Int
    /// The reference the request was routed by, such as `mpg@production` or `mpg@4`.
    public var route: String
    /// `v2` (Open Inference Protocol) or `mlflow` (MLflow scoring protocol).
    public var protocolName: String
    public var received: Date
    public var latencySeconds: Double
    public var rowCount: Int
    public var inputs: String
    public var outputs: String
    /// What the request broke of the model's data contract, when the server flagged it (`serve --validate
    /// flag`): a JSON array of `{"row", "feature", "check"}`; nil when it broke nothing or was not checked.
    public var violations: String?

    public init(
        requestID: String, model: String, version: Int, route: String, protocolName: String, received: Date,
        latencySeconds: Double, rowCount: Int, inputs: String, outputs: String, violations: String? = nil
    ) {
        self.requestID = requestID
        self.model = model
        self.version = version
        self.route = route
        self.protocolName = protocolName
        self.received = received
        self.latencySeconds = latencySeconds
        self.rowCount = rowCount
        self.inputs = inputs
        self.outputs = outputs
        self.violations = violations
    }
}

/// A ground-truth label for a request a server answered. `label` is JSON: a value, or an array for a batch.
public struct FeedbackLabel: Codable, Sendable, Equatable {
    public var requestID: String
    public var label: String
    public var received: Date

    public init(requestID: String, label: String, received: Date) {
        self.requestID = requestID
        self.label = label
        self.received = received
    }
}

/// One logged request of a monitoring window, with the label that came back for it.
public struct LoggedRequest: Sendable {
    public var requestID: String
    public var version: Int
    public var received: Date
    public var latencySeconds: Double
    public var rowCount: Int
    /// As in ``ServingLogRecord``: a JSON object of columns, and a JSON array of predictions.
    public var inputs: String
    public var outputs: String
    /// The feedback label (JSON: a value, or an array for a batch), when one came back.
    public var label: String?
}

/// One answered request without its payload: when, by which version, how fast.
public struct RequestTiming: Sendable, Equatable {
    public var model: String
    public var version: Int
    public var received: Date
    public var latencySeconds: Double
    public var rowCount: Int
    /// Whether the server flagged it as breaking the version's data contract (`serve --validate flag`).
    public var flagged: Bool
}

/// What model servers answered and the labels that came back for it (tables `serving_log`, `feedback`). The
/// only code that writes them.
///
/// Invariants: the log is append-only (rows are never changed, which the schema enforces, migration
/// `0012-record-invariants`; monitoring reads windows of it by time); a label is recorded only for a request the
/// log holds, and a later label for the same request replaces the earlier one.
public struct ServingLog: Sendable {
    let database: MetadataDatabase

    /// Appends answered requests to `serving_log` in one transaction.
    public func append(_ records: [ServingLogRecord]) throws {
        guard !records.isEmpty else { return }
        try database.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO serving_log (request_id, model, version, route, protocol, received_ns, latency_ns,
                        row_count, inputs, outputs, violations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for record in records {
                try statement.execute(arguments: [
                    record.requestID, record.model, record.version, record.route, record.protocolName,
                    StoredTime.nanoseconds(record.received), Int64(record.latencySeconds * 1e9), record.rowCount,
                    record.inputs, record.outputs, record.violations,
                ])
            }
        }
    }

    /// Records ground-truth labels for requests the serving log holds; a later label for the same request
    /// replaces the earlier one. Returns the request ids the log does not know, whose labels were not recorded
    /// (a label nothing can be joined with is a client's mistake, not data).
    @discardableResult
    public func recordFeedback(_ labels: [FeedbackLabel]) throws -> [String] {
        guard !labels.isEmpty else { return [] }
        return try database.write { db in
            let known = try db.makeStatement(sql: "SELECT EXISTS (SELECT 1 FROM serving_log WHERE request_id = ?)")
            let statement = try db.makeStatement(
                sql: "INSERT OR REPLACE INTO feedback (request_id, label, received_ns) VALUES (?, ?, ?)")
            var unknown: [String] = []
            for label in labels {
                guard try Bool.fetchOne(known, arguments: [label.requestID]) == true else {
                    unknown.append(label.requestID)
                    continue
                }
                try statement.execute(arguments: [label.requestID, label.label, StoredTime.nanoseconds(label.received)])
            }
            return unknown
        }
    }

    /// The logged requests of `model` (all models when nil), oldest first, at most `limit` of the newest.
    public func records(model: String? = nil, limit: Int = 1000) throws -> [ServingLogRecord] {
        try database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (SELECT * FROM serving_log WHERE ?1 IS NULL OR model = ?1
                        ORDER BY sequence DESC LIMIT ?2) ORDER BY sequence
                    """, arguments: [model, limit])
            return rows.map { row in
                ServingLogRecord(
                    requestID: row["request_id"], model: row["model"], version: row["version"], route: row["route"],
                    protocolName: row["protocol"], received: StoredTime.date(row["received_ns"]),
                    latencySeconds: Double(row["latency_ns"] as Int64) / 1e9, rowCount: row["row_count"],
                    inputs: row["inputs"], outputs: row["outputs"], violations: row["violations"])
            }
        }
    }

    /// Calls `body` with the requests `model` answered (only by `version` when given) received in
    /// `since..<until`, oldest first, each with its label, in batches of at most `batchSize`. All batches come
    /// from one read transaction, so a window is a consistent snapshot while servers go on logging.
    public func forEachRequest(
        model: String, version: Int?, since: Date, until: Date, batchSize: Int = 16_384,
        _ body: ([LoggedRequest]) throws -> Void
    ) throws {
        try database.read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT l.request_id, l.version, l.received_ns, l.row_count, l.inputs, l.outputs, f.label,
                        l.latency_ns
                    FROM serving_log l LEFT JOIN feedback f ON f.request_id = l.request_id
                    WHERE l.model = ?1 AND l.received_ns >= ?2 AND l.received_ns < ?3
                        AND (?4 IS NULL OR l.version = ?4)
                    ORDER BY l.received_ns, l.sequence
                    """,
                arguments: [model, StoredTime.nanoseconds(since), StoredTime.nanoseconds(until), version])
            var batch: [LoggedRequest] = []
            batch.reserveCapacity(batchSize)
            while let row = try cursor.next() {
                batch.append(
                    LoggedRequest(
                        requestID: row[0], version: row[1], received: StoredTime.date(row[2]),
                        latencySeconds: Double(row[7] as Int64) / 1e9, rowCount: row[3], inputs: row[4],
                        outputs: row[5], label: row[6]))
                if batch.count == batchSize {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    /// When each request of `since..<until` was answered, how long it took and whether it broke the model's
    /// contract, oldest first, for every model, without the payloads (the dashboard's latency and traffic
    /// charts). At most `limit` requests, the newest.
    public func timings(since: Date, until: Date, limit: Int = 1_000_000) throws -> [RequestTiming] {
        try database.read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT * FROM (SELECT model, version, received_ns, latency_ns, row_count, violations IS NOT NULL
                        FROM serving_log WHERE received_ns >= ?1 AND received_ns < ?2
                        ORDER BY received_ns DESC LIMIT ?3) ORDER BY received_ns
                    """,
                arguments: [StoredTime.nanoseconds(since), StoredTime.nanoseconds(until), limit])
            var timings: [RequestTiming] = []
            while let row = try cursor.next() {
                timings.append(
                    RequestTiming(
                        model: row[0], version: row[1], received: StoredTime.date(row[2]),
                        latencySeconds: Double(row[3] as Int64) / 1e9, rowCount: row[4], flagged: row[5]))
            }
            return timings
        }
    }

    /// The label recorded for `requestID`, if any.
    public func feedback(for requestID: String) throws -> FeedbackLabel? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM feedback WHERE request_id = ?", arguments: [requestID]).map {
                FeedbackLabel(
                    requestID: $0["request_id"], label: $0["label"], received: StoredTime.date($0["received_ns"]))
            }
        }
    }
}
