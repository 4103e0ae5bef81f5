/// Names from files and records shown in human output.
enum VisibleText {
    /// `text` with control characters written as escapes (`\n`, `\u{1B}`): a file name or a recorded value
    /// must not move the cursor, recolor the terminal or break a table's lines.
    /// With `keepingLines`, line feeds stay (an error message that lists files, one per line).
    static func escaped(_ text: String, keepingLines: Bool = false) -> String {
        func isHidden(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.generalCategory == .control && !(keepingLines && scalar == "\n")
        }
        guard text.unicodeScalars.contains(where: isHidden) else { return text }
        return String(
            text.unicodeScalars.map { scalar in isHidden(scalar) ? scalar.escaped(asASCII: true) : String(scalar) }
                .joined())
    }
}
