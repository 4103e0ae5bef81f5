/// Names from files and records shown in human output.
enum VisibleText {
    /// `text` with control characters written as escapes (`\n`, `\u{1B}`): a file name or a recorded value
    /// must not move the cursor, recolor the terminal or break a table's lines.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        return String(
            text.unicodeScalars.map { scalar in
                scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
            }.joined())
    }
}
