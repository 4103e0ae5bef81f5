import MLOpsCore
import MLOpsErrors
import MLOpsLearn

/// How a server checks requests against a data contract (`serve --validate`).
public struct RequestValidation: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Refuse a request that breaks the contract with 400, naming the row, feature and rule.
        case reject
        /// Answer it, and count what it broke in `/metrics` and the serving log.
        case flag
    }

    public var mode: Mode
    /// One schema for every served version; nil checks each version against its own contract (its signature and
    /// reference profile, ``Repository/contract(ofModel:tolerance:)``).
    public var schema: DataContract?

    public init(mode: Mode, schema: DataContract? = nil) {
        self.mode = mode
        self.schema = schema
    }
}

/// What one request broke of the contract.
struct RequestViolations: Sendable {
    struct Key: Hashable, Sendable {
        let feature: String
        let check: SchemaViolation.Check
    }

    /// The first violations, in row order (as many as the log keeps).
    var first: [RequestViolation] = []
    /// Every violation, by feature and rule.
    var counts: [Key: Int] = [:]
    var total = 0

    var isEmpty: Bool { total == 0 }
}

/// One value of a request that breaks the contract.
struct RequestViolation: Sendable, Equatable {
    /// 0-based row of the request.
    let row: Int
    let feature: String
    let check: SchemaViolation.Check
    /// The value as sent; nil when missing.
    let value: String?
    let message: String
}

/// A data contract compiled against one model's encoded rows, so a request is checked in one pass over its
/// values. Only per-value rules apply to a request: types, ranges, allowed labels, and missing values where the
/// contract allows none (shares, uniqueness and row counts describe data sets, not requests).
struct RequestContract: Sendable {
    /// `mpg@3 (signature and profile)` or the schema file.
    let name: String
    private let rules: [FeatureRule?]

    private struct FeatureRule: Sendable {
        let name: String
        let minimum: Double?
        let maximum: Double?
        let whole: Bool
        let allowsMissing: Bool
        /// Per level code of the model: whether the contract allows that label (nil: any).
        let allowedCodes: [Bool]?
        /// Labels the contract allows; a label the model never saw is checked against these (nil: any).
        let allowedLabels: Set<String>?
        /// The model's levels for a categorical feature (nil for a numeric one).
        let levels: [String]?
    }

    /// Compiles `contract` for a model with `signature`. Rules for columns the model does not read (its target,
    /// say) are left out; a rule whose type contradicts the feature's kind is refused, since it could never be
    /// checked against what the server receives.
    init(_ contract: DataContract, signature: Signature) throws(MLOpsError) {
        name = contract.name
        var byName: [String: DataSchema.ColumnRule] = [:]
        for rule in contract.schema.columns { byName[rule.name] = rule }
        for feature in signature.features {
            guard let type = byName[feature.name]?.type else { continue }
            let labels = type == .category
            guard labels == (feature.kind == .categorical) else {
                throw MLOpsError(
                    .invalidInput,
                    "\(contract.name) says '\(feature.name)' is \(type.rawValue), but the model reads it as "
                        + (feature.kind == .categorical ? "labels" : "numbers"),
                    hint: "make the schema's type for '\(feature.name)' "
                        + (feature.kind == .categorical ? "category" : "number or integer"))
            }
        }
        rules = signature.features.map { feature in
            guard let rule = byName[feature.name] else { return nil }
            let allowed = rule.values.map(Set.init)
            return FeatureRule(
                name: feature.name, minimum: rule.minimum, maximum: rule.maximum, whole: rule.type == .integer,
                allowsMissing: rule.maxMissing.map { $0 > 0 } ?? true,
                allowedCodes: allowed.flatMap { allowed in feature.levels.map { $0.map(allowed.contains) } },
                allowedLabels: allowed, levels: feature.levels)
        }
    }

    /// What `rows` break: every violation counted by feature and rule, the first `limit` kept in row order.
    func violations(in rows: InputRows, limit: Int = 100) -> RequestViolations {
        var found = RequestViolations()
        let width = rules.count
        for row in 0..<rows.rowCount {
            for (position, rule) in rules.enumerated() {
                guard let rule else { continue }
                let index = row * width + position
                let value = rows.values[index]
                func add(_ check: SchemaViolation.Check, _ text: String?, _ message: String) {
                    found.total += 1
                    found.counts[RequestViolations.Key(feature: rule.name, check: check), default: 0] += 1
                    if found.first.count < limit {
                        found.first.append(
                            RequestViolation(row: row, feature: rule.name, check: check, value: text, message: message))
                    }
                }
                if let levels = rule.levels {
                    if let unknown = rows.unknownLabels[index] {
                        if let allowed = rule.allowedLabels, !allowed.contains(unknown) {
                            add(.unknownCategory, unknown, "the label \"\(unknown.prefix(40))\" is not allowed")
                        }
                    } else if value.isNaN {
                        if !rule.allowsMissing { add(.missingValues, nil, "has no value, which the contract requires") }
                    } else if let allowed = rule.allowedCodes, !allowed[Int(value)] {
                        add(.unknownCategory, levels[Int(value)], "the label \"\(levels[Int(value)])\" is not allowed")
                    }
                } else if value.isNaN {
                    if !rule.allowsMissing { add(.missingValues, nil, "has no value, which the contract requires") }
                } else {
                    let text = NumberText.format(value)
                    if rule.whole, value.rounded() != value { add(.type, text, "\(text) is not a whole number") }
                    if let minimum = rule.minimum, value < minimum {
                        add(.belowMinimum, text, "\(text) is below the minimum \(NumberText.format(minimum))")
                    }
                    if let maximum = rule.maximum, value > maximum {
                        add(.aboveMaximum, text, "\(text) is above the maximum \(NumberText.format(maximum))")
                    }
                }
            }
        }
        return found
    }

    /// The refusal of a request that breaks the contract: the first violation in words, and how many more.
    func refusal(_ violations: RequestViolations) -> RequestError {
        guard let first = violations.first.first else { return .badRequest("the request breaks \(name)") }
        let more = violations.total > 1 ? " (and \(violations.total - 1) more)" : ""
        return .badRequest(
            "row \(first.row + 1), feature '\(first.feature)': \(first.message) (contract: \(name))\(more)")
    }
}
