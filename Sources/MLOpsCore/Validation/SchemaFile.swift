import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore
import Yams

/// A ``DataSchema`` as YAML, the file kept in git beside the data (docs/formats.md, "Data schemas"):
///
/// ```yaml
/// rows: {min: 300, max: 100000}     # optional bounds on the row count
/// extra_columns: allow              # or reject
/// columns:
///   mpg: {type: number, min: 9, max: 46.6, missing: 0}
///   origin: {type: category, values: [usa, europe, japan]}
///   car_id: {type: integer, unique: true}
///   note: {required: false, missing: 50%}
/// ```
public enum SchemaFile {
    /// The schema `train` and `validate` pick up beside a data file: `data/train.csv` → `data/train.schema.yaml`.
    public static func sibling(of dataPath: String) -> String {
        let url = URL(fileURLWithPath: dataPath)
        return url.deletingPathExtension().path + ".schema.yaml"
    }

    /// Reads and checks the schema at `path`.
    public static func load(_ path: String) throws -> DataSchema {
        guard let text = try TextFile.readIfPresent(path, name: path) else {
            throw MLOpsError(
                .notFound, "no schema at '\(path)'",
                hint: "write one with `mlops schema infer DATA --output \(path)`")
        }
        return try parse(text, path: path)
    }

    /// Parses schema text; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws -> DataSchema {
        if let alias = aliasOrAnchor(in: text) {
            // An alias repeats a node without copying it; a few nested ones make a tiny file that takes minutes
            // to compare. A schema has no use for them.
            throw MLOpsError(
                .invalidInput, "'\(path)' uses the YAML anchor or alias '\(alias)'; schemas do not allow them",
                hint: "write the rules out, and quote labels that start with & or *")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw MLOpsError(.invalidInput, "'\(path)' is not valid YAML", cause: error)
        }
        guard let root = node?.mapping else {
            throw MLOpsError(
                .invalidInput, "'\(path)' is not a schema: it needs a `columns` map",
                hint: "start with `columns:` and a line per column, such as `  mpg: {type: number, min: 0}`")
        }
        let parser = Parser(path: path)
        try parser.reject(root, known: ["rows", "extra_columns", "columns"], in: "the schema")
        var schema = DataSchema(columns: [])
        if let rows = root["rows"] {
            guard let bounds = rows.mapping else { throw parser.wrong("`rows` must be a map such as {min: 1}") }
            try parser.reject(bounds, known: ["min", "max"], in: "`rows`")
            schema.minimumRows = try bounds["min"].map { node throws in try parser.count(node, "rows.min") }
            schema.maximumRows = try bounds["max"].map { node throws in try parser.count(node, "rows.max") }
        }
        if let extra = root["extra_columns"] {
            switch extra.string {
            case "allow": schema.allowsExtraColumns = true
            case "reject": schema.allowsExtraColumns = false
            default: throw parser.wrong("`extra_columns` must be allow or reject")
            }
        }
        guard let columns = root["columns"]?.mapping else {
            throw parser.wrong("the schema needs a `columns` map of column name → rules")
        }
        for (key, value) in columns {
            guard let name = key.string, !name.isEmpty else { throw parser.wrong("a column has no name") }
            schema.columns.append(try parser.rule(name, value))
        }
        if let problem = schema.problem() { throw parser.wrong(problem) }
        return schema
    }

    /// The schema as YAML, with a comment that says what the keys mean.
    public static func render(_ schema: DataSchema) throws -> String {
        var root: [(Node, Node)] = []
        if schema.minimumRows != nil || schema.maximumRows != nil {
            var bounds: [(Node, Node)] = []
            if let minimum = schema.minimumRows { bounds.append((Node("min"), Node(String(minimum)))) }
            if let maximum = schema.maximumRows { bounds.append((Node("max"), Node(String(maximum)))) }
            root.append((Node("rows"), Node(bounds, .implicit, .flow)))
        }
        if !schema.allowsExtraColumns { root.append((Node("extra_columns"), Node("reject"))) }
        var columns: [(Node, Node)] = []
        for rule in schema.columns {
            var pairs: [(Node, Node)] = []
            if let type = rule.type { pairs.append((Node("type"), Node(type.rawValue))) }
            if !rule.required { pairs.append((Node("required"), Node("false"))) }
            if let minimum = rule.minimum { pairs.append((Node("min"), Node(NumberText.format(minimum)))) }
            if let maximum = rule.maximum { pairs.append((Node("max"), Node(NumberText.format(maximum)))) }
            if let share = rule.maxMissing { pairs.append((Node("missing"), Node(NumberText.format(share)))) }
            if rule.unique { pairs.append((Node("unique"), Node("true"))) }
            if let values = rule.values {
                let labels = values.map { Node($0, .implicit, .doubleQuoted) }
                pairs.append((Node("values"), Node(labels, .implicit, .flow)))
            }
            columns.append((Node(rule.name), Node(pairs, .implicit, .flow)))
        }
        root.append((Node("columns"), Node(columns)))
        let body: String
        do {
            body = try Yams.serialize(node: Node(root), width: -1)
        } catch {
            throw MLOpsError(.failure, "could not write the schema as YAML", cause: error)
        }
        return """
            # A data contract for `mlops validate` (docs/formats.md, "Data schemas"). Per column: type (number,
            # integer, category), required (default true), min/max, values (allowed labels), missing (the largest
            # share without a value: 0, 0.05 or 5%), unique. rows: {min, max} bounds the row count;
            # extra_columns: reject refuses columns not listed here.

            """ + body
    }

    /// The first YAML anchor (`&name`) or alias (`*name`) outside quotes and comments, or nil. Plain text that
    /// merely contains `&` or `*` after a space is reported too; such labels are quoted.
    static func aliasOrAnchor(in text: String) -> String? {
        var quote: Character?
        var escaped = false
        var previous: Character = "\n"
        var comment = false
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            defer { previous = character }
            if character == "\n" { comment = false }
            if comment { continue }
            // Where a token may start: a quote there opens a quoted scalar, `&` or `*` an anchor or alias (a quote
            // or either sign inside a plain scalar, as in `it's`, is text).
            let tokenStart = previous.isWhitespace || "[{,:?-".contains(previous)
            if let open = quote {
                if open == "\"", character == "\\" {
                    escaped.toggle()
                } else {
                    if character == open, !escaped { quote = nil }
                    escaped = false
                }
                continue
            }
            if character == "'" || character == "\"", tokenStart {
                quote = character
            } else if character == "#", previous.isWhitespace {
                comment = true
            } else if character == "&" || character == "*", tokenStart,
                index + 1 < characters.count, !characters[index + 1].isWhitespace
            {
                return String(characters[index..<min(characters.count, index + 24)].prefix { !$0.isWhitespace })
            }
        }
        return nil
    }

    /// Reads nodes with errors that name the file and the key.
    private struct Parser {
        let path: String

        func wrong(_ problem: String) -> MLOpsError {
            MLOpsError(.invalidInput, "'\(path)': \(problem)", hint: "see docs/formats.md, \"Data schemas\"")
        }

        func reject(_ mapping: Node.Mapping, known: Set<String>, in place: String) throws {
            for key in mapping.keys {
                guard let name = key.string, known.contains(name) else {
                    throw wrong(
                        "\(place) has an unknown key '\(key.string ?? "?")'; known keys: "
                            + known.sorted().joined(separator: ", "))
                }
            }
        }

        func count(_ node: Node, _ key: String) throws -> Int {
            guard let value = node.int, value >= 0 else { throw wrong("`\(key)` must be a whole number ≥ 0") }
            return value
        }

        func number(_ node: Node, _ key: String) throws -> Double {
            guard node.scalar != nil, let value = node.float, value.isFinite else {
                throw wrong("`\(key)` must be a number")
            }
            return value
        }

        func flag(_ node: Node, _ key: String) throws -> Bool {
            guard let value = node.bool else { throw wrong("`\(key)` must be true or false") }
            return value
        }

        /// A share: 0.05, or 5%.
        func share(_ node: Node, _ key: String) throws -> Double {
            if let text = node.string, text.hasSuffix("%"), let percent = Double(text.dropLast()), percent.isFinite {
                return percent / 100
            }
            return try number(node, key)
        }

        func rule(_ name: String, _ node: Node) throws -> DataSchema.ColumnRule {
            var rule = DataSchema.ColumnRule(name: name)
            if node.null != nil { return rule }
            guard let body = node.mapping else {
                throw wrong("column '\(name)' needs a map of rules such as {type: number, min: 0}")
            }
            try reject(
                body, known: ["type", "required", "min", "max", "values", "missing", "unique"],
                in: "column '\(name)'")
            if let type = body["type"] {
                guard let text = type.string, let value = DataSchema.ValueType(rawValue: text) else {
                    throw wrong(
                        "column '\(name)': `type` must be one of "
                            + DataSchema.ValueType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                rule.type = value
            }
            rule.required = try body["required"].map { node throws in try flag(node, "\(name).required") } ?? true
            rule.unique = try body["unique"].map { node throws in try flag(node, "\(name).unique") } ?? false
            rule.minimum = try body["min"].map { node throws in try number(node, "\(name).min") }
            rule.maximum = try body["max"].map { node throws in try number(node, "\(name).max") }
            rule.maxMissing = try body["missing"].map { node throws in try share(node, "\(name).missing") }
            if let values = body["values"] {
                guard let list = values.sequence else { throw wrong("column '\(name)': `values` must be a list") }
                rule.values = try list.map { item in
                    guard item.scalar != nil, let label = item.string else {
                        throw wrong("column '\(name)': `values` must list labels")
                    }
                    return label
                }
            }
            return rule
        }
    }
}

extension SchemaFile {
    /// The schema of what the data file at `path` holds now (``DataSchema/inferred(from:)``).
    public static func infer(fromDataAt path: String) throws -> DataSchema {
        DataSchema.inferred(from: try TableFile.read(path: path))
    }

    /// Writes schema text to `path` atomically. Refuses to replace an existing file unless `replacing`, and
    /// always refuses a path inside `.git` or `.mlops` (however a link reaches it), which a repository needs.
    public static func write(_ yaml: String, to path: String, replacing: Bool, input: String? = nil) throws {
        if WorkspacePath.name(path).hasSuffix(PointerFile.suffix) {
            throw MLOpsError(
                .invalidInput, "'\(path)' is a pointer file mlops tracks data with",
                hint: "write the schema beside the data, such as data/train.schema.yaml")
        }
        if let input, let read = FileSnapshot.takeFollowingLinks(input),
            let output = FileSnapshot.takeFollowingLinks(path),
            read.device == output.device, read.inode == output.inode
        {
            throw MLOpsError(
                .invalidInput, "'\(path)' is the data file the schema was inferred from",
                hint: "write the schema beside it, such as \(sibling(of: path))")
        }
        let parent = WorkspacePath.parent(path)
        let resolvedParent = realpath(parent, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        for directory in [parent, resolvedParent ?? parent] {
            let components = directory.split(separator: "/").map(String.init)
            if let reserved = components.first(where: { [".git", Repository.metadataDirectoryName].contains($0) }) {
                throw MLOpsError(
                    .invalidInput, "'\(path)' is inside \(reserved)/, which the repository needs",
                    hint: "write the schema beside the data, such as data/train.schema.yaml")
            }
        }
        if !replacing, FileManager.default.fileExists(atPath: path) {
            throw MLOpsError(
                .conflict, "'\(path)' exists", hint: "add --force to replace it, or choose another --output")
        }
        try AtomicFile.write(yaml, to: path)
    }
}
