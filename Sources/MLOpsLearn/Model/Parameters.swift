import MLOpsErrors

/// A hyperparameter's value: an integer, a real number or a word.
public enum ParameterValue: Codable, Hashable, Sendable, CustomStringConvertible {
    case integer(Int)
    case real(Double)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .real(value)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .real(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .real(let value): return NumberText.format(value)
        case .text(let value): return value
        }
    }

    /// The value as a real number (integers convert; words are 0).
    public var real: Double {
        switch self {
        case .integer(let value): return Double(value)
        case .real(let value): return value
        case .text: return 0
        }
    }

    /// The value as an integer (reals truncate; words are 0).
    public var integer: Int {
        switch self {
        case .integer(let value): return value
        case .real(let value):
            guard value.isFinite else { return 0 }
            return abs(value) < 9e18 ? Int(value) : (value < 0 ? Int.min : Int.max)
        case .text: return 0
        }
    }
}

/// What one hyperparameter of a learner accepts, and its default.
public struct ParameterSpec: Sendable {
    /// The kinds of value a parameter takes.
    public enum Domain: Sendable {
        /// An integer in the closed range.
        case integer(ClosedRange<Int>)
        /// A real number in the closed range.
        case real(ClosedRange<Double>)
        /// One of the listed words.
        case choice([String])
    }

    /// The parameter's name, in snake_case.
    public var name: String
    /// What the parameter does, in one line.
    public var summary: String
    /// The values it accepts.
    public var domain: Domain
    /// The value used when none is given.
    public var defaultValue: ParameterValue

    /// Parses and range-checks `text`.
    public func parse(_ text: String) throws(MLOpsError) -> ParameterValue {
        switch domain {
        case .integer(let range):
            guard let value = Int(text) else { throw outOfRange(text, "an integer") }
            guard range.contains(value) else { throw outOfRange(text, "an integer in \(describe(range))") }
            return .integer(value)
        case .real(let range):
            guard let value = Double(text), value.isFinite else { throw outOfRange(text, "a number") }
            guard range.contains(value) else { throw outOfRange(text, "a number in \(describe(range))") }
            return .real(value)
        case .choice(let words):
            guard words.contains(text) else { throw outOfRange(text, "one of \(words.joined(separator: ", "))") }
            return .text(text)
        }
    }

    private func describe<T>(_ range: ClosedRange<T>) -> String {
        "[\(range.lowerBound), \(range.upperBound)]"
    }

    private func outOfRange(_ text: String, _ expected: String) -> MLOpsError {
        MLOpsError(
            .usage, "parameter \(name)=\(text) is out of range: expected \(expected)",
            hint: "\(name): \(summary)")
    }
}

/// A learner's complete, validated hyperparameters: every parameter of its specs, given or defaulted.
public struct Parameters: Codable, Hashable, Sendable {
    /// The values by name.
    public private(set) var values: [String: ParameterValue]

    /// Resolves `given` (name → text) against `specs`: unknown names and out-of-range values are errors; absent
    /// names take their defaults.
    public init(_ given: [String: String], specs: [ParameterSpec], learner: String) throws(MLOpsError) {
        var values: [String: ParameterValue] = [:]
        for spec in specs { values[spec.name] = spec.defaultValue }
        for name in given.keys.sorted() {
            guard let spec = specs.first(where: { $0.name == name }), let text = given[name] else {
                throw MLOpsError(
                    .usage, "unknown parameter '\(name)' for the \(learner) learner",
                    hint: "its parameters are: \(specs.map(\.name).joined(separator: ", "))")
            }
            values[name] = try spec.parse(text)
        }
        self.values = values
    }

    /// No parameters (a model mlops did not train).
    public init() { values = [:] }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: ParameterValue].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    /// These values with each number in its spec's kind: JSON writes the real 1.0 as `1`, which reads back as an
    /// integer, so decoded parameters are conformed to their specs before they are compared or used.
    public func conformed(to specs: [ParameterSpec]) -> Parameters {
        var copy = self
        for spec in specs {
            if case .real = spec.domain, case .integer(let value)? = values[spec.name] {
                copy.values[spec.name] = .real(Double(value))
            }
        }
        return copy
    }

    /// The named integer parameter (0 if absent).
    public func integer(_ name: String) -> Int { values[name]?.integer ?? 0 }
    /// The named real parameter (0 if absent).
    public func real(_ name: String) -> Double { values[name]?.real ?? 0 }
    /// The named word parameter ("" if absent).
    public func text(_ name: String) -> String { values[name]?.description ?? "" }
}
