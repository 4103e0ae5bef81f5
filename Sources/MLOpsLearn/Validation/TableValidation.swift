extension DataSchema {
    /// Every way `table` breaks this schema: missing and (when not allowed) extra columns, then each described
    /// column's type, missing values, range, categories and uniqueness, then the row count. `lines` locates the
    /// example rows in the file. Each check is one pass over a column.
    public func violations(in table: Table, lines: RecordLines) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        var present: [String: Column] = [:]
        for column in table.columns { present[column.name] = column }
        for rule in columns {
            guard let column = present[rule.name] else {
                if rule.required {
                    found.append(
                        SchemaViolation(
                            column: rule.name, check: .missingColumn, count: 1,
                            message: "the required column '\(rule.name)' is missing"))
                }
                continue
            }
            found += ColumnCheck(rule: rule, column: column, lines: lines).violations()
        }
        if !allowsExtraColumns {
            let described = Set(columns.map(\.name))
            for column in table.columns where !described.contains(column.name) {
                found.append(
                    SchemaViolation(
                        column: column.name, check: .extraColumn, count: 1,
                        message: "the column '\(column.name)' is not in the schema, which allows no others"))
            }
        }
        let rows = table.rowCount
        if let minimum = minimumRows, rows < minimum {
            found.append(
                SchemaViolation(
                    column: nil, check: .rowCount, count: 1, message: "\(rows) rows; at least \(minimum) expected"))
        }
        if let maximum = maximumRows, rows > maximum {
            found.append(
                SchemaViolation(
                    column: nil, check: .rowCount, count: 1, message: "\(rows) rows; at most \(maximum) expected"))
        }
        return found
    }
}

/// The checks of one column against its rule.
private struct ColumnCheck {
    let rule: DataSchema.ColumnRule
    let column: Column
    let lines: RecordLines

    func violations() -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        if let violation = missingValues() { found.append(violation) }
        // A rule with bounds is about numbers even without a type: text in its column breaks it.
        let asNumbers =
            rule.type.map { $0 != .category }
            ?? (column.kind == .numeric || rule.minimum != nil || rule.maximum != nil)
        if asNumbers {
            found += numberChecks()
        } else if let violation = unknownCategories() {
            found.append(violation)
        }
        if rule.unique, let violation = duplicates() { found.append(violation) }
        return found
    }

    private func violation(
        _ check: SchemaViolation.Check, _ message: String, rows: (Int) -> Bool
    ) -> SchemaViolation? {
        var count = 0
        var examples: [SchemaViolation.Example] = []
        for row in 0..<column.count where rows(row) {
            count += 1
            if examples.count < SchemaViolation.exampleLimit {
                examples.append(.init(row: row + 1, line: lines.line(ofRow: row), value: column.text(at: row)))
            }
        }
        guard count > 0 else { return nil }
        return SchemaViolation(
            column: rule.name, check: check, count: count,
            message: "\(count) \(count == 1 ? "row" : "rows") \(message)", examples: examples)
    }

    private func missingValues() -> SchemaViolation? {
        guard let limit = rule.maxMissing, column.count > 0 else { return nil }
        let missing = column.missingCount
        let share = Double(missing) / Double(column.count)
        // A hair of slack, so a limit written as the observed share (0.0125) is not broken by rounding.
        guard share > limit + 1e-12 else { return nil }
        let allowed = limit == 0 ? "none may" : "at most \(Percent.text(limit)) may"
        let missingRows = column.missing
        return violation(.missingValues, "without a value (\(Percent.text(share)) of \(column.count)); \(allowed)") {
            missingRows[$0]
        }
    }

    /// Type (text in a number column, fractions in an integer one) and range.
    private func numberChecks() -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        let numbers: [Double]
        switch column.storage {
        case .numeric(let values):
            numbers = values
        case .categorical(let codes, _):
            let parsed = column.levelNumbers ?? []
            numbers = codes.map { $0 < 0 ? .nan : parsed[Int($0)] ?? .nan }
            let notNumbers = codes.map { $0 >= 0 && parsed[Int($0)] == nil }
            if let violation = violation(.type, "with a value that is not a number", rows: { notNumbers[$0] }) {
                found.append(violation)
            }
        }
        if rule.type == .integer,
            let violation = violation(
                .type, "with a fraction where whole numbers are expected",
                rows: { numbers[$0].isFinite && numbers[$0].rounded() != numbers[$0] })
        {
            found.append(violation)
        }
        if let minimum = rule.minimum,
            let violation = violation(
                .belowMinimum, "with a value below the minimum \(NumberText.format(minimum))",
                rows: { numbers[$0] < minimum })
        {
            found.append(violation)
        }
        if let maximum = rule.maximum,
            let violation = violation(
                .aboveMaximum, "with a value above the maximum \(NumberText.format(maximum))",
                rows: { numbers[$0] > maximum })
        {
            found.append(violation)
        }
        return found
    }

    private func unknownCategories() -> SchemaViolation? {
        guard let values = rule.values else { return nil }
        let allowed = Set(values)
        let unknown: (Int) -> Bool
        var counts: [String: Int] = [:]
        switch column.storage {
        case .categorical(let codes, let levels):
            let refused = levels.map { !allowed.contains($0) }
            unknown = { codes[$0] >= 0 && refused[Int(codes[$0])] }
            for code in codes where code >= 0 && refused[Int(code)] { counts[levels[Int(code)], default: 0] += 1 }
        case .numeric(let numbers):
            unknown = { numbers[$0].isFinite && !allowed.contains(NumberText.format(numbers[$0])) }
            for number in numbers where number.isFinite {
                let label = NumberText.format(number)
                if !allowed.contains(label) { counts[label, default: 0] += 1 }
            }
        }
        let listed = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
            .map { "'\($0.key)' (\($0.value))" }.joined(separator: ", ")
        let more = counts.count > 5 ? " and \(counts.count - 5) more" : ""
        let shownAllowed = values.prefix(10).joined(separator: ", ") + (values.count > 10 ? ", …" : "")
        return violation(
            .unknownCategory, "with a label not allowed: \(listed)\(more); allowed: \(shownAllowed)",
            rows: unknown)
    }

    private func duplicates() -> SchemaViolation? {
        var repeated = [Bool](repeating: false, count: column.count)
        switch column.storage {
        case .numeric(let numbers):
            var seen = Set<Double>(minimumCapacity: numbers.count)
            for (row, number) in numbers.enumerated() where !number.isNaN {
                repeated[row] = !seen.insert(number).inserted
            }
        case .categorical(let codes, let levels):
            var seen = [Bool](repeating: false, count: levels.count)
            for (row, code) in codes.enumerated() where code >= 0 {
                repeated[row] = seen[Int(code)]
                seen[Int(code)] = true
            }
        }
        return violation(.duplicate, "with a value an earlier row has; the column must be unique") { repeated[$0] }
    }
}

/// Shares as people read them: `12.5%`, `0.03%`.
enum Percent {
    static func text(_ share: Double) -> String {
        let percent = share * 100
        let rounded = percent >= 10 ? (percent * 10).rounded() / 10 : (percent * 100).rounded() / 100
        return NumberText.format(rounded) + "%"
    }
}
