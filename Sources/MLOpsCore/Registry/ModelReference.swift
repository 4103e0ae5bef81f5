import MLOpsErrors

/// A way to name a model, read like a git revision: `mpg@3` (a version), `mpg@production` (an alias),
/// `mpg@latest` (the newest version), or `run:<id>` (the model a run produced; a unique id prefix is enough).
public enum ModelReference: Equatable, Sendable, CustomStringConvertible {
    case run(String)
    case version(name: String, version: Int)
    case alias(name: String, alias: String)

    /// Parses a reference; a bare run id (without `run:`) is accepted too.
    ///
    /// - Throws: `usage` naming the accepted forms.
    public static func parse(_ text: String) throws -> ModelReference {
        if text.hasPrefix("run:") { return .run(String(text.dropFirst(4))) }
        if let at = text.firstIndex(of: "@") {
            let name = String(text[..<at])
            let rest = String(text[text.index(after: at)...])
            try validateName(name)
            if let version = Int(rest), version > 0 { return .version(name: name, version: version) }
            try validateAlias(rest)
            return .alias(name: name, alias: rest)
        }
        if RunID.isPlausiblePrefix(text), text.count >= 4 { return .run(text) }
        throw MLOpsError(
            .usage, "'\(text)' is not a model reference",
            hint: "name a version (mpg@3), an alias (mpg@production), the newest (mpg@latest) or a run (run:<id>)")
    }

    public var description: String {
        switch self {
        case .run(let id): return "run:\(id)"
        case .version(let name, let version): return "\(name)@\(version)"
        case .alias(let name, let alias): return "\(name)@\(alias)"
        }
    }

    /// The registered model's name, for version and alias references.
    public var name: String? {
        switch self {
        case .run: return nil
        case .version(let name, _), .alias(let name, _): return name
        }
    }

    /// Model names: a letter or digit, then letters, digits, `.`, `_` or `-`.
    public static func validateName(_ name: String) throws {
        guard let first = name.first, first.isLetter || first.isNumber,
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" })
        else {
            throw MLOpsError(
                .usage, "'\(name)' is not a valid model name",
                hint: "use letters, digits, '.', '_' and '-', starting with a letter or digit")
        }
    }

    /// Alias names follow model names' rules, and are neither a number nor `latest`.
    public static func validateAlias(_ alias: String) throws {
        do {
            try validateName(alias)
        } catch {
            throw MLOpsError(
                .usage, "'\(alias)' is not a valid alias", hint: "use a word such as production or staging")
        }
        if Int(alias) != nil {
            throw MLOpsError(.usage, "an alias cannot be a number ('\(alias)' reads as a version)")
        }
    }
}
