import Foundation
import MLOpsCore
import MLOpsErrors

/// What the runs page and `GET /api/runs` were asked for, from the query string: `where` (the expression
/// `runs list --where` takes), `kind`, `status`, `sort` (a run field or `metrics.…`, `params.…`, `tags.…`),
/// `order` (`asc`, `desc`), `offset`, `limit` (1…1000) and `columns` (comma-separated fields, or `column`
/// repeated).
struct RunsQuery: Sendable {
    var expression = ""
    var kind: RunKind?
    var status: RunStatus?
    var sortKey = "started"
    var descending = true
    var offset = 0
    var limit = 100
    /// The parameter and metric columns to show; nil for the snapshot's default choice.
    var columns: [String]?

    static let maximumLimit = 1_000
    static let sortableFields = ["name", "kind", "status", "started", "duration", "id", "commit", "host"]

    /// - Throws: `usage` naming the parameter and the values it takes.
    init(_ query: QueryString) throws {
        expression = query["where"]?.trimmingCharacters(in: .whitespaces) ?? ""
        kind = try Self.choice(query["kind"], of: RunKind.self, named: "run kind", plural: "kinds")
        status = try Self.choice(query["status"], of: RunStatus.self, named: "run status", plural: "statuses")
        if let text = query["sort"], !text.isEmpty {
            guard Self.isField(text) else {
                throw MLOpsError(
                    .usage, "cannot sort by '\(text)'",
                    hint: "sort by \(Self.sortableFields.joined(separator: ", ")) or metrics.<name>, params.<name>, "
                        + "tags.<name>")
            }
            sortKey = text
        }
        switch query["order"] ?? "" {
        case "", "desc": descending = true
        case "asc": descending = false
        case let other: throw MLOpsError(.usage, "unknown order '\(other)'", hint: "order is asc or desc")
        }
        offset = try Self.integer(query["offset"], name: "offset", range: 0...Int(Int32.max)) ?? 0
        limit = try Self.integer(query["limit"], name: "limit", range: 1...Self.maximumLimit) ?? 100
        // `column=a&column=b` from the page's checkboxes and links (a name may hold a comma); `columns=a,b` from
        // a script.
        var fields = query.all("column")
        if fields.isEmpty, let text = query["columns"] {
            fields = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if !fields.isEmpty || query["columns"] != nil {
            if let bad = fields.first(where: { !Self.isField($0) || Self.sortableFields.contains($0) }) {
                throw MLOpsError(
                    .usage, "unknown column '\(bad)'", hint: "columns are metrics.<name>, params.<name> or tags.<name>")
            }
            columns = fields
        }
    }

    init() {}

    private static func isField(_ text: String) -> Bool {
        if sortableFields.contains(text) { return true }
        return ["metrics.", "params.", "tags."].contains { text.hasPrefix($0) && text.count > $0.count }
    }

    /// The case of `Choice` that `text` names; nil when no text was given.
    private static func choice<Choice: RawRepresentable & CaseIterable>(
        _ text: String?, of _: Choice.Type, named name: String, plural: String
    ) throws -> Choice? where Choice.RawValue == String {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Choice(rawValue: text) else {
            throw MLOpsError(
                .usage, "unknown \(name) '\(text)'",
                hint: "\(plural) are \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    private static func integer(_ text: String?, name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw MLOpsError(
                .usage, "\(name) '\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}

/// One page of the runs table: the matching runs in order, each tune run followed by its matching trials.
struct RunsPage: Sendable {
    struct Row: Sendable {
        var run: Run
        /// A trial shown under its tune run.
        var isChild: Bool
    }

    /// Runs matching the query, trials included.
    var matched: Int
    /// Top-level rows matching (a tune run and its trials count once): what paging counts.
    var groups: Int
    var rows: [Row]
    var columns: [String]
    /// Why the `where` expression was refused, shown above the table; no run matches then.
    var filterError: String?

    /// The page `query` asks for in `snapshot`.
    init(_ query: RunsQuery, in snapshot: RunCatalog.Snapshot) {
        columns = query.columns ?? snapshot.defaultColumns
        var listing = RunListing()
        listing.kind = query.kind
        listing.status = query.status
        listing.sortKey = query.sortKey
        listing.descending = query.descending
        var sorted: [Run] = []
        do {
            if !query.expression.isEmpty { listing.filter = try RunFilter(query.expression) }
            sorted = try listing.apply(to: snapshot.runs)
        } catch let error as MLOpsError {
            filterError = error.message + (error.hint.map { " (\($0))" } ?? "")
        } catch {
            filterError = "\(error)"
        }
        matched = sorted.count
        let kept = Set(sorted.map(\.id))
        var childrenByParent: [String: [Run]] = [:]
        var heads: [Run] = []
        for run in sorted {
            if let parent = run.parent, kept.contains(parent) {
                childrenByParent[parent, default: []].append(run)
            } else {
                heads.append(run)
            }
        }
        groups = heads.count
        rows = []
        for head in heads.dropFirst(query.offset).prefix(query.limit) {
            rows.append(Row(run: head, isChild: false))
            rows += (childrenByParent[head.id] ?? []).map { Row(run: $0, isChild: true) }
        }
    }
}
