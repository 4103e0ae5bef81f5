import Foundation
import MLOpsErrors

/// A `--where` expression over runs: comparisons of fields with values, joined by `and`/`or` (and binding
/// tighter), grouped with parentheses.
///
/// Fields are `metrics.<name>`, `params.<name>`, `tags.<name>`, or a run field: `name`, `status`, `kind`, `id`, `host`,
/// `commit`. Operators: `=` (or `==`), `!=`, `<`, `<=`, `>`, `>=`. Values are numbers, words, or quoted text.
/// Two values that both read as numbers compare as numbers (so `params.max_leaves = 31` matches `31` and
/// `31.0`); otherwise as text. A run without the field does not match a comparison (except `!=`).
public struct RunFilter: Sendable, CustomStringConvertible {
    indirect enum Node: Sendable {
        case comparison(field: String, op: String, value: String)
        case and(Node, Node)
        case or(Node, Node)
    }

    let root: Node
    /// The expression as given.
    public let description: String

    /// Parses `expression`.
    ///
    /// - Throws: `usage` naming the position and what was expected, for a malformed expression.
    public init(_ expression: String) throws {
        var parser = Parser(tokens: try Self.tokenize(expression), expression: expression)
        root = try parser.parseOr()
        guard parser.position == parser.tokens.count else {
            throw parser.error("unexpected '\(parser.tokens[parser.position].text)'")
        }
        description = expression
    }

    /// Whether `run` satisfies the expression.
    public func matches(_ run: Run) throws -> Bool { Self.evaluate(root, run) }

    private static func evaluate(_ node: Node, _ run: Run) -> Bool {
        switch node {
        case .and(let left, let right): return evaluate(left, run) && evaluate(right, run)
        case .or(let left, let right): return evaluate(left, run) || evaluate(right, run)
        case .comparison(let field, let op, let expected):
            guard let actual = value(of: field, in: run) else { return op == "!=" }
            let order = compare(SortValue(actual), SortValue(expected))
            switch op {
            case "=", "==": return order == 0
            case "!=": return order != 0
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            default: return order >= 0
            }
        }
    }

    /// The value of `field` in `run` as text, or nil when the run lacks it.
    static func value(of field: String, in run: Run) -> String? {
        if field.hasPrefix("metrics.") { return run.metrics[String(field.dropFirst(8))].map { "\($0)" } }
        if field.hasPrefix("params.") { return run.params[String(field.dropFirst(7))] }
        if field.hasPrefix("tags.") { return run.tags[String(field.dropFirst(5))] }
        switch field {
        case "name": return run.name
        case "status": return run.status.rawValue
        case "kind": return run.kind.rawValue
        case "id": return run.id
        case "host": return run.host
        case "commit": return run.git.commit
        case "started": return String(format: "%020.6f", run.started.timeIntervalSince1970)
        case "duration": return run.durationSeconds.map { "\($0)" }
        default: return nil
        }
    }

    /// A field's value as text and, when it reads as one, as a number: parsed once, compared many times.
    struct SortValue {
        let text: String?
        let number: Double?

        init(_ text: String?) {
            self.text = text
            number = text.flatMap(Double.init)
        }
    }

    /// Compares as numbers when both read as numbers, else as text; a missing value sorts first.
    static func compare(_ a: SortValue, _ b: SortValue) -> Int {
        guard let x = a.text else { return b.text == nil ? 0 : -1 }
        guard let y = b.text else { return 1 }
        if let x = a.number, let y = b.number { return x < y ? -1 : (x > y ? 1 : 0) }
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    static let runFields: Set<String> = ["name", "status", "kind", "id", "host", "commit", "started", "duration"]

    struct Token {
        enum Kind { case word, quoted, op, open, close }
        var kind: Kind
        var text: String
        var offset: Int
    }

    private static func tokenize(_ expression: String) throws -> [Token] {
        let characters = Array(expression)
        var tokens: [Token] = []
        var index = 0
        func fail(_ message: String) -> MLOpsError {
            MLOpsError(
                .usage, "bad filter expression at character \(index + 1): \(message)",
                hint: "for example: metrics.rmse < 3 and params.max_leaves = 31")
        }
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "(" || character == ")" {
                tokens.append(Token(kind: character == "(" ? .open : .close, text: String(character), offset: index))
                index += 1
            } else if "<>=!".contains(character) {
                let start = index
                var text = String(character)
                if index + 1 < characters.count, characters[index + 1] == "=" {
                    text.append("=")
                    index += 1
                }
                index += 1
                guard ["=", "==", "!=", "<", "<=", ">", ">="].contains(text) else {
                    throw fail("unknown operator '\(text)'")
                }
                tokens.append(Token(kind: .op, text: text, offset: start))
            } else if character == "'" || character == "\"" {
                let start = index
                index += 1
                var text = ""
                while index < characters.count, characters[index] != character {
                    text.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw fail("unterminated quoted value") }
                index += 1
                tokens.append(Token(kind: .quoted, text: text, offset: start))
            } else {
                let start = index
                var text = ""
                while index < characters.count, !characters[index].isWhitespace,
                    !"()<>=!'\"".contains(characters[index])
                {
                    text.append(characters[index])
                    index += 1
                }
                tokens.append(Token(kind: .word, text: text, offset: start))
            }
        }
        return tokens
    }

    struct Parser {
        let tokens: [Token]
        let expression: String
        var position = 0
        /// Parentheses open at `position`, and comparisons so far: both bounded, because parsing, evaluating and
        /// freeing the tree recurse once per level, and a hostile expression (the dashboard takes one from any
        /// page's link) must be refused, not overflow the stack.
        var depth = 0
        var comparisons = 0
        static let maximumDepth = 32
        static let maximumComparisons = 256

        func error(_ message: String) -> MLOpsError {
            let offset = position < tokens.count ? tokens[position].offset + 1 : expression.count + 1
            return MLOpsError(
                .usage, "bad filter expression at character \(offset): \(message)",
                hint: "for example: metrics.rmse < 3 and params.max_leaves = 31")
        }

        mutating func parseOr() throws -> Node {
            var node = try parseAnd()
            while position < tokens.count, tokens[position].kind == .word, tokens[position].text.lowercased() == "or" {
                position += 1
                node = .or(node, try parseAnd())
            }
            return node
        }

        mutating func parseAnd() throws -> Node {
            var node = try parseTerm()
            while position < tokens.count, tokens[position].kind == .word, tokens[position].text.lowercased() == "and" {
                position += 1
                node = .and(node, try parseTerm())
            }
            return node
        }

        mutating func parseTerm() throws -> Node {
            guard position < tokens.count else { throw error("expected a comparison such as metrics.rmse < 3") }
            if tokens[position].kind == .open {
                guard depth < Self.maximumDepth else {
                    throw error("parentheses nested more than \(Self.maximumDepth) deep")
                }
                position += 1
                depth += 1
                defer { depth -= 1 }
                let node = try parseOr()
                guard position < tokens.count, tokens[position].kind == .close else { throw error("expected ')'") }
                position += 1
                return node
            }
            let field = tokens[position]
            guard field.kind == .word else { throw error("expected a field such as metrics.rmse") }
            comparisons += 1
            guard comparisons <= Self.maximumComparisons else {
                throw error("more than \(Self.maximumComparisons) comparisons")
            }
            guard
                field.text.hasPrefix("metrics.") || field.text.hasPrefix("params.") || field.text.hasPrefix("tags.")
                    || RunFilter.runFields.contains(field.text)
            else {
                throw error(
                    "unknown field '\(field.text)' (use metrics.<name>, params.<name>, tags.<name>, or one of "
                        + RunFilter.runFields.sorted().joined(separator: ", ") + ")")
            }
            position += 1
            guard position < tokens.count, tokens[position].kind == .op else {
                throw error("expected an operator (=, !=, <, <=, >, >=) after '\(field.text)'")
            }
            let op = tokens[position].text
            position += 1
            guard position < tokens.count, tokens[position].kind == .word || tokens[position].kind == .quoted else {
                throw error("expected a value after '\(field.text) \(op)'")
            }
            let value = tokens[position].text
            position += 1
            return .comparison(field: field.text, op: op, value: value)
        }
    }
}
