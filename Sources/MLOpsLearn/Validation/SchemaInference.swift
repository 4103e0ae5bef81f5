extension DataSchema {
    /// The most labels an inferred category column lists; a column with more is left unchecked (an id or free
    /// text, which a list would only freeze).
    public static let inferredValuesLimit = 50

    /// A starting point for a hand-kept schema: what `table` holds now. Every column is required; numbers get
    /// their observed range (`integer` when every value is whole), labels their values (up to
    /// ``inferredValuesLimit``), each column its observed missing share (rounded up to 0.1%), and integer or label
    /// columns of at least 10 rows whose values are all distinct are marked unique. Rows are not bounded.
    public static func inferred(from table: Table) -> DataSchema {
        DataSchema(columns: table.columns.map(inferredRule))
    }

    private static func inferredRule(_ column: Column) -> ColumnRule {
        var rule = ColumnRule(name: column.name)
        let missing = column.missingCount
        let present = column.count - missing
        rule.maxMissing = missing == 0 ? 0 : min(1, (Double(missing) / Double(column.count) * 1000).rounded(.up) / 1000)
        switch column.storage {
        case .numeric(let values):
            let finite = values.filter(\.isFinite)
            let whole = finite.allSatisfy { $0.rounded() == $0 && abs($0) < 9e15 }
            rule.type = whole ? .integer : .number
            rule.minimum = finite.min()
            rule.maximum = finite.max()
            rule.unique = whole && present >= 10 && Set(finite).count == present
        case .categorical(let codes, let levels):
            rule.type = .category
            var used = [Bool](repeating: false, count: levels.count)
            for code in codes where code >= 0 { used[Int(code)] = true }
            let labels = zip(levels, used).filter(\.1).map(\.0)
            if labels.count <= inferredValuesLimit { rule.values = labels.sorted() }
            rule.unique = present >= 10 && labels.count == present
        }
        return rule
    }

    /// The contract a model implies: every feature of `signature` required with its kind; with a reference
    /// `profile`, numeric features may range over the reference's range widened by `tolerance` of it on each
    /// side, and each column may lack values in at most the reference's share plus `tolerance`; categorical
    /// features may hold the labels the model or the reference knows. A datetime column is required, its values
    /// checked when the model reads them. The target is checked the same way when present, but not required.
    /// Other columns are allowed.
    public static func expected(by signature: Signature, profile: DataProfile?, tolerance: Double) -> DataSchema {
        let features = Dictionary(signature.features.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var rules = signature.inputNames.map { name in
            guard let feature = features[name] else { return ColumnRule(name: name) }
            return expectedRule(
                name: feature.name, kind: feature.kind, levels: feature.levels,
                profile: profile?.column(named: feature.name, role: .feature), tolerance: tolerance)
        }
        if !signature.features.contains(where: { $0.name == signature.target }) {
            let targetProfile = profile?.column(named: signature.target, role: .target)
            var target = expectedRule(
                name: signature.target,
                kind: targetProfile?.kind ?? (signature.task == .regression ? .numeric : .categorical),
                levels: signature.classes, profile: targetProfile, tolerance: tolerance)
            target.required = false
            rules.append(target)
        }
        return DataSchema(columns: rules)
    }

    private static func expectedRule(
        name: String, kind: ColumnKind, levels: [String]?, profile: ColumnProfile?, tolerance: Double
    ) -> ColumnRule {
        var rule = ColumnRule(name: name, type: kind == .numeric ? .number : .category)
        if let profile, profile.count + profile.missing > 0 {
            let share = Double(profile.missing) / Double(profile.count + profile.missing)
            rule.maxMissing = min(1, share + tolerance)
        }
        switch kind {
        case .numeric:
            if let summary = profile?.numeric, summary.minimum.isFinite, summary.maximum.isFinite {
                let span = summary.maximum - summary.minimum
                let slack = tolerance * (span > 0 ? span : max(abs(summary.maximum), 1))
                // Bounds beyond the doubles (a huge tolerance on huge values) are no bounds.
                rule.minimum = (summary.minimum - slack).isFinite ? summary.minimum - slack : nil
                rule.maximum = (summary.maximum + slack).isFinite ? summary.maximum + slack : nil
            }
        case .categorical:
            // The labels the model encodes, and those of a profile that kept every category by name.
            var known = Set(levels ?? [])
            if let profile, (profile.otherCount ?? 0) == 0, let categories = profile.categories {
                known.formUnion(categories.keys)
            }
            if !known.isEmpty { rule.values = known.sorted() }
        }
        return rule
    }
}
