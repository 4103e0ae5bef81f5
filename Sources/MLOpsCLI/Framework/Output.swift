import Foundation
import MLOpsErrors

/// The one output path of every command: a JSON payload with `--json`, human text otherwise.
///
/// With `--json`, standard output carries exactly one JSON document (sorted snake_case keys, ISO-8601 dates)
/// and nothing else; prose, warnings and progress go to standard error. Human output is colored only when
/// ``CommandContext/colorsEnabled(on:)`` allows.
struct Output {
    let context: CommandContext
    let options: GlobalOptions

    /// Styling for standard output.
    var style: TextStyle { TextStyle(enabled: context.colorsEnabled(on: context.standardOutput)) }

    /// Prints `payload` as JSON with `--json`, else the text `human` builds (unless `--quiet`).
    func render<Payload: Encodable>(_ payload: Payload, human: (TextStyle) -> String) throws {
        if options.json {
            context.standardOutput.write(try Self.json(payload) + "\n")
        } else if !options.quiet {
            context.standardOutput.write(human(style))
        }
    }

    /// A remark for people on standard error (silenced by `--quiet`; never on stdout, so `--json` stays clean).
    func note(_ text: String) {
        guard !options.quiet else { return }
        context.standardError.write(text + "\n")
    }

    /// Encodes `value` the way every payload is encoded.
    static func json<Payload: Encodable>(_ value: Payload) throws -> String {
        try encoded(value, formatting: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    /// The same encoding on one line: one event of a long-running command (`serve`, `ui`) per line.
    static func jsonLine<Payload: Encodable>(_ value: Payload) throws -> String {
        try encoded(value, formatting: [.sortedKeys, .withoutEscapingSlashes])
    }

    private static func encoded<Payload: Encodable>(
        _ value: Payload, formatting: JSONEncoder.OutputFormatting
    ) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        // A payload is never refused for an infinity; reports keep them out of numeric fields.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
